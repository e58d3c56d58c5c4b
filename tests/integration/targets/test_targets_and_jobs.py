"""Targets, pace and the scheduled jobs on SQLite and PostgreSQL, with a fixed clock."""

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, select

from bot.config import Settings
from bot.scheduler import catch_up, installed, run_now
from domain.shared.jobs import RunOutcome, RunTrigger
from handlers.core.conversation import Conversation
from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from storage.core.job_models import JobRunRow
from storage.models import ContractRow, DealerRow, OutboxRow, ProductRow, TargetRow, TerminalRow
from storage.sales.models import SaleRow, ViolationRow
from storage.sales.monthly import add_to_month
from tests.support import JOBS, Chat, invite, seed_catalog

OPTIONS = CoreOptions()
MONDAY_9 = datetime(2026, 7, 13, 1, 0, tzinfo=UTC)  # Mon 2026-07-13 09:00 Shanghai


def add_sale(uow_factory, dealer, amount, sold_on, *, kind="retail", status="confirmed", at=None):
    with uow_factory() as uow:
        s = uow.session
        n = s.scalar(select(func.count(SaleRow.id))) or 0
        s.add(
            SaleRow(
                dealer_id=s.scalar(select(DealerRow.id).where(DealerRow.code == dealer)),
                product_id=s.scalar(select(ProductRow.id).where(ProductRow.sku == "A100")),
                terminal_id=s.scalar(select(TerminalRow.id).where(TerminalRow.code == "T-0001")),
                qty=1,
                unit_price=Decimal(amount),
                amount=Decimal(amount),
                kind=kind,
                sold_on=sold_on,
                status=status,
                created_at=at or datetime(2026, 7, 10, tzinfo=UTC),
                dedupe_key=f"test:{n}",
                source_text="",
            )
        )
        if status == "confirmed":  # rows written past the repository keep the month sums too
            dealer_id = s.scalar(select(DealerRow.id).where(DealerRow.code == dealer))
            add_to_month(s.connection(), dealer_id, sold_on, Decimal(amount))
        uow.commit()


def set_target(uow_factory, dealer, period, amount):
    with uow_factory() as uow:
        s = uow.session
        dealer_id = s.scalar(select(DealerRow.id).where(DealerRow.code == dealer))
        s.add(TargetRow(dealer_id=dealer_id, period=period, amount=Decimal(amount)))
        uow.commit()


def link(conv, uow_factory, clock, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


def outbox(uow_factory):
    with uow_factory() as uow:
        rows = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return [SimpleNamespace(chat_id=r.chat_id, payload=r.payload) for r in rows]


def world(uow_factory, clock):
    """D001 (SC, since 2020) behind pace in July; D002 (first year) has nothing; linked users."""
    seed_catalog(uow_factory)
    set_target(uow_factory, "D001", "2026-07", "31000")
    set_target(uow_factory, "D001", "2025", "1000000")
    set_target(uow_factory, "D002", "2026-07", "31000")
    add_sale(uow_factory, "D001", "6000", date(2026, 7, 3))
    add_sale(uow_factory, "D001", "4000", date(2026, 7, 9), kind="tender")
    add_sale(uow_factory, "D001", "9000", date(2026, 7, 10), status="withdrawn")
    conv = Conversation(uow_factory, clock)
    return SimpleNamespace(
        conv=conv,
        dealer=link(conv, uow_factory, clock, "d1", dealer="D001"),
        dealer2=link(conv, uow_factory, clock, "d2", dealer="D002"),
        manager=link(conv, uow_factory, clock, "m1", manager="M01"),
        admin=link(conv, uow_factory, clock, "m2", manager="M02"),
    )


def test_dealer_sees_achieved_target_pace_weekly_need_and_a_chart(uow_factory, clock):
    w = world(uow_factory, clock)
    w.dealer.say("/lang en")
    text = w.dealer.say("/target")
    # Tender counts, the withdrawn report does not: 10,000 of 31,000 on 17 July.
    assert "2026-07: ¥10,000.00 of ¥31,000.00 (32.3%)" in text
    assert "on pace today: ¥17,000.00, ⚠️ behind pace; ¥21,000.00 to go, ¥9,800.00 a week" in text
    assert "2026: ¥10,000.00 of ¥1,300,000.00" in text and "+30.0%" in text
    image = w.dealer.last[0].image
    assert image is not None and image.content.startswith(b"\x89PNG")


def test_first_year_dealer_is_shown_not_assessed(uow_factory, clock):
    w = world(uow_factory, clock)
    assert "合作首年，仅展示不考核" in w.dealer2.say("/target 2026-07")


def test_quarter_and_year_achievement_roll_up_from_the_months(uow_factory, clock):
    w = world(uow_factory, clock)
    add_sale(uow_factory, "D001", "5000", date(2026, 4, 20))
    add_sale(uow_factory, "D001", "700", date(2025, 12, 31))
    from domain.shared.periods import Period

    with uow_factory() as uow:
        got = uow.targets.achieved(
            [Period.parse("2026"), Period.parse("2026-Q2"), Period.parse("2026-Q3")],
            date(2026, 7, 17),
        )
    d1 = {str(p): v for p, v in got["D001"].items()}
    assert d1 == {
        "2026": Decimal("15000.00"),
        "2026-Q2": Decimal("5000.00"),
        "2026-Q3": Decimal("10000.00"),
    }
    assert w.dealer.say("/target 2026-Q2").count("¥5,000.00") >= 1


def test_timezone_edge_half_past_eleven_is_still_july_half_past_midnight_is_august(
    uow_factory, clock
):
    w = world(uow_factory, clock)
    add_sale(uow_factory, "D001", "2000", date(2026, 8, 1))
    w.dealer.say("/lang en")
    clock.set(datetime(2026, 7, 31, 15, 30, tzinfo=UTC))  # 23:30 Shanghai, 31 July
    july = w.dealer.say("/target")
    assert "2026-07: ¥10,000.00 of ¥31,000.00" in july and "2026-08" not in july
    clock.set(datetime(2026, 7, 31, 16, 30, tzinfo=UTC))  # 00:30 Shanghai, 1 August
    august = w.dealer.say("/target")
    assert "2026-08: no target set (¥2,000.00 sold)" in august
    assert "2026-Q3: no target set (¥12,000.00 sold)" in august


def test_manager_ranking_marks_dealers_behind_and_offers_the_export(uow_factory, clock):
    w = world(uow_factory, clock)
    text = w.admin.say("/targets")
    assert "2 家经销商，1 家落后" in text
    assert "⚠️ D001 华西医疗" in text and "D002 申城器械" in text and "合作首年" in text
    reply = w.admin.last[0]
    assert reply.image is not None
    assert ("导出销售明细 XLSX", "c:export sales 2026-07") in w.admin.buttons()
    w.admin.press("导出销售明细")
    doc = w.admin.last[0].document
    assert doc is not None and doc.filename == "sales-2026-07.xlsx"
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(doc.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4  # header + three reports, the withdrawn one marked
    assert any("已撤回" in str(r) for r in rows)


def test_manager_sets_a_target_only_for_dealers_of_their_regions(uow_factory, clock):
    w = world(uow_factory, clock)
    assert "已将 D001 的 2026-Q3 目标设为 ¥90,000.00" in w.manager.say(
        "/target set D001 2026-Q3 90000"
    )
    assert "2026-Q3：已完成 ¥10,000.00 / 目标 ¥90,000.00" in w.manager.say("/target D001 2026-Q3")
    refused = w.manager.say("/target set D002 2026-Q3 90000")
    assert "D002" in refused and "已将" not in refused
    assert "无法识别期间" in w.manager.say("/target set D001 2026-13 1")
    assert "金额“-5”无效" in w.manager.say("/target set D001 2026-Q3 -5")


def run(uow_factory, clock, name, occasion, trigger=RunTrigger.SCHEDULE):
    return run_job(JOBS, uow_factory, clock, OPTIONS, name, occasion, trigger)


def test_target_alerts_go_to_the_dealers_managers_once(uow_factory, clock):
    w = world(uow_factory, clock)
    clock.set(MONDAY_9 + timedelta(seconds=5))
    first = run(uow_factory, clock, "target_alerts", MONDAY_9)
    assert first.outcome is RunOutcome.OK and first.messages == 2
    chats = sorted(m.chat_id for m in outbox(uow_factory))
    assert chats == ["m1", "m2"]  # not the dealers
    text = outbox(uow_factory)[0].payload["text"]
    assert "1 家经销商落后于进度" in text and "D001 华西医疗 · 2026-07" in text
    assert "D002" not in text  # first year: not assessed
    again = run(uow_factory, clock, "target_alerts", MONDAY_9)
    assert again.outcome is RunOutcome.SKIPPED
    manual = run(uow_factory, clock, "target_alerts", MONDAY_9, RunTrigger.MANUAL)
    assert manual.outcome is RunOutcome.OK and manual.messages == 0
    assert len(outbox(uow_factory)) == 2
    assert w.manager  # linked


def test_report_reminder_tells_a_dealer_without_a_report_for_the_week_due_last_once(
    uow_factory, clock
):
    world(uow_factory, clock)
    occasion = datetime(2026, 7, 17, 1, 0, tzinfo=UTC)
    assert run(uow_factory, clock, "report_reminder", occasion).outcome is RunOutcome.OK

    def sales_notices() -> list[tuple[str, str]]:
        return [
            (m.chat_id, m.payload["text"])
            for m in outbox(uow_factory)
            if "销售上报（2026-W28）" in m.payload["text"]
        ]

    # W28 (6-12 July) was due Monday 13 July: D001 sold in it (9 and 10 July), D002 did not.
    [(chat, text)] = sales_notices()
    assert chat == "d2" and "申城器械的销售上报（2026-W28）已逾期" in text
    # The next day's run owes the same notice and sends nothing more.
    tomorrow = occasion + timedelta(days=1)
    run(uow_factory, clock, "report_reminder", tomorrow)
    assert len(sales_notices()) == 1


def test_contract_expiry_tells_the_dealer_and_its_managers_once(uow_factory, clock):
    world(uow_factory, clock)
    with uow_factory() as uow:
        s = uow.session
        d1 = s.scalar(select(DealerRow.id).where(DealerRow.code == "D001"))
        s.add(
            ContractRow(
                dealer_id=d1,
                start=date(2025, 8, 10),
                end=date(2026, 8, 9),
                annual_target=Decimal(1),
                deposit=Decimal(1),
                franchise_fee=Decimal(1),
            )
        )
        uow.commit()
    occasion = datetime(2026, 7, 17, 0, 0, tzinfo=UTC)
    assert run(uow_factory, clock, "contract_expiry", occasion).messages == 3
    by_chat = {m.chat_id: m.payload["text"] for m in outbox(uow_factory)}
    assert sorted(by_chat) == ["d1", "m1", "m2"]
    assert "还剩 23 天" in by_chat["d1"] and "D001 华西医疗" in by_chat["m1"]
    later = occasion + timedelta(days=1)
    assert run(uow_factory, clock, "contract_expiry", later).messages == 0


def test_violation_digest_sends_new_violations_to_managers_of_the_region(uow_factory, clock):
    world(uow_factory, clock)
    occasion = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
    with uow_factory() as uow:
        s = uow.session
        d1 = s.scalar(select(DealerRow.id).where(DealerRow.code == "D001"))
        for severity, minutes in (("minor", 10), ("severe", 20), ("minor", 90)):
            s.add(
                ViolationRow(
                    dealer_id=d1,
                    type="outside_territory",
                    severity=severity,
                    evidence={},
                    status="open",
                    note="",
                    created_at=occasion - timedelta(minutes=minutes),
                )
            )
        uow.commit()
    assert run(uow_factory, clock, "violation_digest", occasion).messages == 2
    texts = {m.chat_id: m.payload["text"] for m in outbox(uow_factory)}
    assert sorted(texts) == ["m1", "m2"] and "1 条待处理" in texts["m1"]


def test_two_schedulers_racing_on_one_database_send_one_alert(db, clock):
    uow_factory = db.uow_factory
    world(uow_factory, clock)
    clock.set(MONDAY_9)
    barrier = threading.Barrier(2)
    results = []

    def scheduler():
        barrier.wait()
        results.append(run(uow_factory, clock, "target_alerts", MONDAY_9))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.outcome for r in results) == [RunOutcome.OK, RunOutcome.SKIPPED]
    assert len(outbox(uow_factory)) == 2
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count(JobRunRow.id))) == 1


def test_a_run_missed_while_down_runs_once_on_start(db, clock):
    uow_factory = db.uow_factory
    world(uow_factory, clock)
    app = SimpleNamespace(
        settings=Settings(), uow_factory=uow_factory, clock=clock, options=OPTIONS, jobs=JOBS
    )
    plan = [s for s in installed(app.settings.scheduler, app.jobs) if s.name == "target_alerts"]
    clock.set(MONDAY_9 + timedelta(hours=1))
    assert catch_up(app, plan) == []  # never ran: nothing was missed
    run(uow_factory, clock, "target_alerts", MONDAY_9)
    # Down from Monday 10:00 to Tuesday 21 July 10:00: Monday 20 July 09:00 was missed.
    clock.set(datetime(2026, 7, 21, 2, 0, tzinfo=UTC))
    [caught] = catch_up(app, plan)
    assert caught.trigger is RunTrigger.CATCH_UP and caught.outcome is RunOutcome.OK
    assert caught.occasion == datetime(2026, 7, 20, 1, 0, tzinfo=UTC)
    assert caught.messages == 2
    assert catch_up(app, plan) == []  # a second restart finds nothing missed
    manual = run_now(app, "target_alerts")
    assert manual.messages == 0 and len(outbox(uow_factory)) == 4


def test_the_pace_query_and_the_domain_agree_on_who_is_behind(uow_factory, clock):
    from domain.shared.periods import Period
    from handlers.core.jobs import JobContext
    from handlers.targets.alerts import behind_pace
    from handlers.targets.standing import load_standings

    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        for code, since in (
            ("D003", date(2019, 1, 1)),
            ("D004", None),
            ("D005", date(2018, 5, 1)),
            ("D006", date(2019, 1, 1)),
            ("D007", date(2025, 12, 1)),
        ):
            s.add(DealerRow(code=code, name=f"dealer {code}", since=since))
        uow.commit()
    for month in ("2026-07", "2026-08", "2026-09"):
        set_target(uow_factory, "D003", month, "10000")  # Q3 rolls up to 30,000
    set_target(uow_factory, "D004", "2024", "100000")  # 2026: 169,000 (grown twice)
    set_target(uow_factory, "D005", "2025-Q3", "20000")  # 2026-Q3: 26,000
    set_target(uow_factory, "D005", "2026-Q1", "1")  # unrelated part of the year
    set_target(uow_factory, "D007", "2026-07", "5000")  # first year: not assessed
    set_target(uow_factory, "D001", "2026-07", "31000")
    add_sale(uow_factory, "D003", "5000", date(2026, 7, 10))  # Q3 pace 5,543.48, July 5,483.87
    add_sale(uow_factory, "D004", "50000", date(2026, 3, 1))  # year: 50,000 < 91,734
    add_sale(uow_factory, "D005", "4804", date(2026, 7, 2))  # Q3: 26,000*17/92 = 4,804.35
    add_sale(uow_factory, "D001", "17000", date(2026, 7, 17))  # exactly on pace: not behind
    ctx = JobContext("target_alerts", None, clock, OPTIONS, clock.now())
    with uow_factory() as uow:
        ctx.uow = uow
        fast = {(d, str(s.period)) for d, found in behind_pace(ctx).items() for s in found}
        periods = [Period.parse(p) for p in ("2026", "2026-Q3", "2026-07")]
        every = load_standings(uow, periods, date(2026, 7, 17), OPTIONS.target_growth)
    slow = {(s.dealer, str(s.period)) for p in periods for s in every[p] if s.behind}
    assert (
        fast
        == slow
        == {("D003", "2026-07"), ("D003", "2026-Q3"), ("D004", "2026"), ("D005", "2026-Q3")}
    )


def test_the_pace_query_judges_to_the_cent_with_the_same_achieved_and_target(uow_factory, clock):
    from domain.shared.periods import Period
    from handlers.core.jobs import JobContext
    from handlers.targets.alerts import behind_pace
    from handlers.targets.standing import load_standings

    seed_catalog(uow_factory)
    with uow_factory() as uow:
        for code in ("D003", "D004"):
            uow.session.add(DealerRow(code=code, name=f"dealer {code}", since=None))
        uow.commit()
    # July pace on the 17th: 31,000 x 17 / 31 = 17,000.00. SQLite sums these as floats.
    for code, first in (("D001", "8500.10"), ("D003", "8500.11")):
        set_target(uow_factory, code, "2026-07", "31000")
        add_sale(uow_factory, code, first, date(2026, 7, 3))
        add_sale(uow_factory, code, "8499.89", date(2026, 7, 16))
    set_target(uow_factory, "D004", "2025-07", "23846.15")  # grown 30 %: 30,999.995 -> 31,000.00
    add_sale(uow_factory, "D004", "16999.99", date(2026, 7, 1))
    ctx = JobContext("target_alerts", None, clock, OPTIONS, clock.now())
    with uow_factory() as uow:
        ctx.uow = uow
        fast = {
            (d, str(s.period), s.achieved, s.target.amount, s.target.source)
            for d, found in behind_pace(ctx).items()
            for s in found
        }
        periods = [Period.parse(p) for p in ("2026", "2026-Q3", "2026-07")]
        every = load_standings(uow, periods, date(2026, 7, 17), OPTIONS.target_growth)
    slow = {
        (s.dealer, str(s.period), s.achieved, s.target.amount, s.target.source)
        for p in periods
        for s in every[p]
        if s.behind
    }
    assert fast == slow
    assert {(d, p, str(a), str(t)) for d, p, a, t, _ in fast} == {
        ("D001", "2026-07", "16999.99", "31000.00"),
        ("D004", "2026-07", "16999.99", "31000.00"),
    }


def test_jobs_of_other_features_are_found_by_name_and_run_under_the_same_guard(uow_factory, clock):

    seed_catalog(uow_factory)
    assert {"complaint_sla", "promotion_dispatch"} <= set(JOBS)
    for name in ("complaint_sla", "promotion_dispatch"):
        first = run(uow_factory, clock, name, clock.now())
        assert first.outcome is RunOutcome.OK, first.detail
        assert run(uow_factory, clock, name, clock.now()).outcome is RunOutcome.SKIPPED
