"""The per-dealer month sums of confirmed sales stay equal to the sales rows on every write."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, text

from domain.shared.periods import Period
from handlers.core.conversation import Conversation
from handlers.core.jobs import JobContext
from handlers.core.messages import Attachment
from handlers.core.options import CoreOptions
from handlers.targets.alerts import behind_pace
from handlers.targets.standing import load_standings
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import DealerRow, ProductRow, TerminalRow
from storage.sales.models import SaleRow
from storage.sales.monthly import rebuild
from storage.sales.monthly_models import SalesMonthlyRow
from storage.uow import SqlAlchemyUnitOfWorkFactory
from tests.conftest import PG_URL, drop_pg_schema, pg_url_for, require_pg
from tests.integration.targets.test_targets_and_jobs import add_sale, set_target
from tests.support import Chat, invite, seed_catalog

OPTIONS = CoreOptions()


def from_sales(uow) -> dict[tuple[int, date], Decimal]:
    """The month sums computed from the sales rows, in Python."""
    found: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    rows = uow.session.execute(
        select(SaleRow.dealer_id, SaleRow.sold_on, SaleRow.amount).where(
            SaleRow.status == "confirmed"
        )
    )
    for dealer_id, sold_on, amount in rows:
        found[(dealer_id, sold_on.replace(day=1))] += amount
    return {k: v for k, v in found.items() if v}


def summary(uow) -> dict[tuple[int, date], Decimal]:
    rows = uow.session.execute(
        select(SalesMonthlyRow.dealer_id, SalesMonthlyRow.month, SalesMonthlyRow.amount)
    )
    return {(d, m): Decimal(a) for d, m, a in rows if a}


def assert_in_step(uow_factory) -> dict[tuple[int, date], Decimal]:
    with uow_factory() as uow:
        kept, expected = summary(uow), from_sales(uow)
        last_days = dict(
            uow.session.execute(
                select(SalesMonthlyRow.month, SalesMonthlyRow.last_day).where(
                    SalesMonthlyRow.amount != 0
                )
            ).all()
        )
    assert kept == expected
    assert all(m <= last <= Period.parse(f"{m:%Y-%m}").end for m, last in last_days.items())
    with uow_factory() as uow:  # and equal to a rebuild from scratch
        rebuild(uow.session.connection())
        assert summary(uow) == expected
        uow.rollback()
    return kept


def linked(conv, uow_factory, clock, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


def test_month_sums_follow_reports_sheets_drafts_withdrawals_and_corrections(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer = linked(conv, uow_factory, clock, "d1", dealer="D001")
    boss = linked(conv, uow_factory, clock, "boss", manager="M01")
    assert "#1" in dealer.say("/report A100 20 3500 T-0001")  # 70,000.00 in July
    assert "#2" in dealer.say("/report A100 5 3500.10 T-0001")  # 17,500.50
    sheet = (
        "sku,qty,unit_price,terminal_code,sold_on,kind\n"
        "A100,2,3500,T-0001,2026-06-30,retail\n"  # June
        "A100,1,2000.01,T-0001,2026-07-01,tender\n"
    )
    assert "2 笔" in dealer.say(file=Attachment("s.csv", sheet.encode(), "text/csv"))
    bad = "sku,qty,unit_price,terminal_code\nA100,2,3500,T-0001\nA100,-1,3500,T-0001\n"
    dealer.say(file=Attachment("bad.csv", bad.encode(), "text/csv"))  # nothing recorded
    dealer.say("今天给华西医院卖了2台A100，单价3500元")
    dealer.say(payload=dict(dealer.buttons())["确认"])  # #5 from a confirmed draft
    kept = assert_in_step(uow_factory)
    with uow_factory() as uow:
        d1 = uow.session.scalar(select(DealerRow.id).where(DealerRow.code == "D001"))
    assert kept == {
        (d1, date(2026, 6, 1)): Decimal("7000.00"),
        (d1, date(2026, 7, 1)): Decimal("96500.51"),
    }

    assert "已撤回" in dealer.say("/withdraw 1")
    assert "不能再修改" in dealer.say("/withdraw 1")  # taken out once only
    assert_in_step(uow_factory)
    assert "已更正" in dealer.say("/correct 2 4 3600")  # #6 replaces #2
    clock.advance(hours=25)
    assert "已更正" in boss.say("/correct 3 1 3500")  # a manager, after the window: #7
    kept = assert_in_step(uow_factory)
    assert kept == {
        (d1, date(2026, 6, 1)): Decimal("3500.00"),
        (d1, date(2026, 7, 1)): Decimal("23400.01"),
    }


def test_a_refused_report_changes_no_month_sum(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer = linked(conv, uow_factory, clock, "d1", dealer="D001")
    dealer.say("/report A100 1 3500 T-0001")
    dealer.say("/report A100 0 3500 T-0001")
    dealer.say("/correct 1 0 3500")
    assert len(assert_in_step(uow_factory)) == 1


def test_a_catch_up_run_does_not_count_sales_dated_after_the_day_it_judges(uow_factory, clock):
    """Achieved to date is the months since the period's first day, less the sales of
    today's month dated after the day judged (a catch-up run stands for an earlier day)."""
    seed_catalog(uow_factory)
    set_target(uow_factory, "D001", "2026-07", "62000")  # pace: 34,000 on the 17th
    add_sale(uow_factory, "D001", "6000.50", date(2026, 6, 30))
    add_sale(uow_factory, "D001", "10000.25", date(2026, 7, 3))
    add_sale(uow_factory, "D001", "20000", date(2026, 7, 20))  # after the day judged
    add_sale(uow_factory, "D001", "500", date(2026, 7, 21))
    add_sale(uow_factory, "D001", "700", date(2026, 7, 21), status="withdrawn")
    clock.set(datetime(2026, 7, 21, 2, 0, tzinfo=UTC))
    occasion = datetime(2026, 7, 17, 1, 0, tzinfo=UTC)  # Friday 17 July, 09:00 Shanghai
    assert_in_step(uow_factory)
    with uow_factory() as uow:
        ctx = JobContext("target_alerts", uow, clock, OPTIONS, occasion)
        fast = {
            (str(s.period), s.achieved, s.target.amount)
            for found in behind_pace(ctx).values()
            for s in found
        }
        periods = [Period.parse(p) for p in ("2026", "2026-Q3", "2026-07")]
        every = load_standings(uow, periods, date(2026, 7, 17), OPTIONS.target_growth)
    slow = {
        (str(s.period), s.achieved, s.target.amount) for p in periods for s in every[p] if s.behind
    }
    assert fast == slow == {("2026-07", Decimal("10000.25"), Decimal("62000.00"))}
    with uow_factory() as uow:  # the day after: everything up to the 21st counts
        ctx = JobContext("target_alerts", uow, clock, OPTIONS, clock.now())
        [standing] = behind_pace(ctx)["D001"]
    assert standing.achieved == Decimal("30500.25")  # behind 42,000


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    require_pg()
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    yield pg_url_for(schema)
    drop_pg_schema(schema)


def test_the_migration_fills_the_month_sums_from_the_sales_stored_before_it(empty_url, clock):
    engine = make_engine(empty_url)
    try:
        for revision in ("0002", "0003", "0004", "0005", "0006", "0010", "0017"):  # all but 0007
            upgrade(empty_url, revision, engine=engine)
        uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
        seed_catalog(uow_factory)
        with uow_factory() as uow:  # rows as stored before the month sums existed
            ids = {
                name: uow.session.scalar(select(model.id).where(column == code))
                for name, model, column, code in (
                    ("dealer_id", DealerRow, DealerRow.code, "D001"),
                    ("product_id", ProductRow, ProductRow.sku, "A100"),
                    ("terminal_id", TerminalRow, TerminalRow.code, "T-0001"),
                )
            }
            for i, (amount, day, status) in enumerate(
                [
                    ("100.10", date(2026, 5, 31), "confirmed"),
                    ("200.20", date(2026, 5, 1), "confirmed"),
                    ("999.00", date(2026, 5, 2), "withdrawn"),
                    ("300.30", date(2026, 7, 16), "confirmed"),
                ]
            ):
                uow.session.add(
                    SaleRow(
                        **ids,
                        qty=1,
                        unit_price=Decimal(amount),
                        amount=Decimal(amount),
                        kind="retail",
                        sold_on=day,
                        status=status,
                        created_at=clock.now(),
                        dedupe_key=f"m{i}",
                        source_text="",
                    )
                )
            uow.commit()
        upgrade(empty_url, engine=engine)
        with uow_factory() as uow:
            rows = uow.session.execute(
                select(SalesMonthlyRow.month, SalesMonthlyRow.amount, SalesMonthlyRow.last_day)
            ).all()
        assert sorted((m, Decimal(a), last) for m, a, last in rows) == [
            (date(2026, 5, 1), Decimal("300.30"), date(2026, 5, 31)),
            (date(2026, 7, 1), Decimal("300.30"), date(2026, 7, 16)),
        ]
        assert_in_step(uow_factory)
    finally:
        engine.dispose()
