"""Rebates through import, chat, the two jobs and the approvals engine, on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import DealerCode
from domain.shared.periods import Period
from handlers.core.context import CoreOptions
from handlers.core.jobs import RunTrigger, run_job
from storage.models import ApprovalRequestRow, DealerRow, RebateSettlementRow, ViolationRow
from tests.integration.approvals.test_approvals import outbox_texts, world_with
from tests.integration.catalog.test_imports import quiet, write
from tests.integration.targets.test_targets_and_jobs import add_sale, set_target
from tests.support import JOBS

HEADER = ["program", "period", "basis", "scope", "tier_from", "tier_to", "rate", "amount", "cap"]
Q3 = [
    ["Q3-RB", "2026-Q3", "amount", "", "500000", "935400", "3", "", ""],
    ["Q3-RB", "2026-Q3", "amount", "", "935400", "2000000", "5%", "", ""],
    ["Q3-RB", "2026-Q3", "amount", "", "2000000", "", "6", "", "150000"],
]


def import_rebates(uow_factory, tmp_path, rows, fmt="csv"):
    path = write(tmp_path, "rebates", [HEADER, *rows], fmt)
    return run_import(uow_factory, ImportKind.REBATES, path, quiet())


def imported(uow_factory, tmp_path, rows, fmt="csv"):
    result = import_rebates(uow_factory, tmp_path, rows, fmt)
    assert result.ok, [describe(e, ImportKind.REBATES) for e in result.errors]
    return result


@pytest.fixture
def world(uow_factory, clock):
    return world_with(uow_factory, clock)


def severe_violation(uow_factory, at: datetime, status: str = "confirmed") -> None:
    with uow_factory() as uow:
        s = uow.session
        s.add(
            ViolationRow(
                dealer_id=s.scalar(select(DealerRow.id).where(DealerRow.code == "D001")),
                type="price_floor",
                severity="severe",
                evidence={},
                status=status,
                created_at=at,
            )
        )
        uow.commit()


def test_the_dealer_sees_its_tier_accrual_and_what_the_next_two_tiers_take(
    world, uow_factory, tmp_path
):
    imported(uow_factory, tmp_path, Q3, "xlsx")
    add_sale(uow_factory, "D001", "849000", date(2026, 7, 3))
    text = world["dealer1"].say("/rebate")
    assert "政策 Q3-RB（2026-Q3，按销售额）" in text and "已完成：¥849,000.00" in text
    assert "当前档位：第 1 档（3%）" in text and "已累计返利：¥25,470.00" in text
    assert "再完成 ¥86,400.00 即可达到第 2 档（3% → 5%），返利增加约 ¥21,300.00" in text
    assert "再完成 ¥1,151,000.00 即可达到第 3 档（5% → 6%），返利增加约 ¥94,530.00" in text
    asked = world["dealer1"].say("还差多少到下一档返利")
    assert "再完成 ¥86,400.00 即可达到第 2 档" in asked


def test_tender_sales_count_and_withdrawn_ones_do_not(world, uow_factory, tmp_path):
    imported(uow_factory, tmp_path, Q3)
    add_sale(uow_factory, "D001", "400000", date(2026, 7, 3))
    add_sale(uow_factory, "D001", "100000", date(2026, 8, 3), kind="tender")
    add_sale(uow_factory, "D001", "900000", date(2026, 8, 4), status="withdrawn")
    add_sale(uow_factory, "D001", "700000", date(2026, 6, 30))  # the quarter before
    with uow_factory() as uow:
        program = uow.rebates.programs([Period.parse("2026-Q3")])[0]
        assert uow.rebates.sold(program)[DealerCode("D001")].amount == Decimal("500000.00")
    assert "当前档位：第 1 档（3%）" in world["dealer1"].say("/rebate")


def test_a_target_basis_reads_the_achievement_of_the_periods_target(world, uow_factory, tmp_path):
    rows = [
        ["T-RB", "2026-Q3", "达成率", "", "0", "100", "1", "", ""],
        ["T-RB", "2026-Q3", "达成率", "", "100", "", "2", "", ""],
    ]
    imported(uow_factory, tmp_path, rows)
    set_target(uow_factory, "D001", "2026-Q3", "1000000")
    add_sale(uow_factory, "D001", "999999.99", date(2026, 7, 3))
    text = world["dealer1"].say("/rebate")
    assert "99.99%（¥999,999.99 / 任务 ¥1,000,000.00）" in text
    assert "再完成 ¥0.01 即可达到第 2 档（1% → 2%），返利增加约 ¥10,000.00" in text


def test_a_confirmed_severe_violation_in_the_period_withholds_the_rebate(
    world, uow_factory, tmp_path
):
    imported(uow_factory, tmp_path, Q3)
    add_sale(uow_factory, "D001", "600000", date(2026, 7, 3))
    severe_violation(uow_factory, datetime(2026, 6, 20, tzinfo=UTC))  # before the period
    severe_violation(uow_factory, datetime(2026, 7, 5, tzinfo=UTC), status="dismissed")
    assert "扣留" not in world["dealer1"].say("/rebate")
    # 1 July 01:00 in Shanghai: the period's first day in business time
    severe_violation(uow_factory, datetime(2026, 6, 30, 17, 0, tzinfo=UTC))
    assert "返利将被扣留" in world["dealer1"].say("/rebate")


def test_managers_name_a_dealer_and_bad_input_says_what_to_send(world, uow_factory, tmp_path):
    imported(uow_factory, tmp_path, [[*row[:3], "tier=A", *row[4:]] for row in Q3])
    assert "华西医疗" in world["boss_sc"].say("/rebate D001")
    assert "用法" in world["boss_sc"].say("/rebate")
    assert "D009" in world["boss_sc"].say("/rebate D009")
    assert "只有管理员" in world["boss_sc"].say("/rebate new")
    assert "dealerbot import rebates" in world["admin"].say("/rebate new")
    assert "没有适用" in world["admin"].say("/rebate D002")  # a tier-B dealer: out of scope


def test_import_rejects_gaps_overlaps_and_bad_cells_naming_the_rows(uow_factory, tmp_path, world):
    rows = [
        ["G", "2026-Q3", "amount", "", "0", "100", "1", "", ""],
        ["G", "2026-Q3", "amount", "", "150", "300", "2", "", ""],
        ["G", "2026-Q3", "amount", "", "250", "", "3", "", ""],
        ["H", "2026-07", "amount", "", "0", "", "1", "", ""],
        ["H2", "2026-Q3", "volume", "", "0", "", "1", "", ""],
        ["H3", "2026-Q3", "amount", "", "0", "", "1", "500", ""],
        ["H4", "2026-Q3", "amount", "line=NOPE", "0", "", "1", "", ""],
        ["H5", "2026-Q3", "amount", "", "abc", "", "1", "", ""],
        ["H6", "2026-Q3", "amount", "", "0", "", "-3", "", ""],
    ]
    result = import_rebates(uow_factory, tmp_path, rows)
    problems = [describe(e, ImportKind.REBATES) for e in result.errors]
    assert any("row 3" in p and "gap" in p and "row 2" in p for p in problems), problems
    assert any("row 4" in p and "overlaps row 3" in p for p in problems), problems
    assert any("row 5" in p and "quarter or a year" in p for p in problems), problems
    assert any("row 6" in p and "volume" in p for p in problems), problems
    assert any("row 7" in p and "exactly one" in p for p in problems), problems
    assert any("row 8" in p and "NOPE" in p for p in problems), problems
    assert any("row 9" in p and "'abc' is not an amount" in p for p in problems), problems
    assert any("row 10" in p and "negative" in p for p in problems), problems
    with uow_factory() as uow:
        assert uow.rebates.programs([Period.parse("2026-Q3")]) == []


def test_importing_a_program_again_replaces_its_tiers(uow_factory, tmp_path, world):
    imported(uow_factory, tmp_path, Q3)
    again = imported(uow_factory, tmp_path, [*Q3[:1], [*Q3[1][:5], "", "5", "", ""]])
    assert again.updated == 2
    with uow_factory() as uow:
        (program,) = uow.rebates.programs([Period.parse("2026-Q3")])
        assert len(program.tiers) == 2 and program.tiers[-1].upper is None


Q2 = [
    ["Q2-RB", "2026-Q2", "amount", "", "100000", "", "2", "", ""],
]


def run(uow_factory, clock, name, trigger=RunTrigger.SCHEDULE):
    return run_job(JOBS, uow_factory, clock, CoreOptions(), name, clock.now(), trigger)


def test_a_settlement_goes_through_both_approvers_and_is_credited_once_with_two_schedulers(
    world, db, uow_factory, clock, tmp_path
):
    imported(uow_factory, tmp_path, Q2)
    add_sale(uow_factory, "D001", "300000", date(2026, 5, 3))
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        run(uow_factory, clock, "rebate_settlement")

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run(uow_factory, clock, "rebate_settlement", RunTrigger.MANUAL)  # a rerun drafts nothing
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count(RebateSettlementRow.id))) == 1
        assert uow.session.scalar(select(func.count(ApprovalRequestRow.id))) == 1
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "boss_sc"))
    world["boss_sc"].say("/approval 1 approve")
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "md_sc"))
    decided = world["md_sc"].say("/approval 1 approve")
    assert "返利结算 #1 已入账：¥6,000.00" in decided
    world["md_sc"].say("/approval 1 approve")
    with uow_factory() as uow:
        (s,) = uow.rebates.settlements(Period.parse("2026-Q2"))
        assert s.state.value == "credited" and s.net == Decimal("6000.00")
    told = [t for t in outbox_texts(uow_factory, "dealer1") if "已审批并入账" in t]
    assert len(told) == 1 and "¥6,000.00" in told[0]
    world["admin"].say("/export rebates 2026-Q2")
    [sheet] = [r.document for r in world["admin"].last if r.document is not None]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("政策", "期间", "经销商") and rows[1][:3] == ("Q2-RB", "2026-Q2", "D001")
    assert "已入账" in rows[1]


def test_a_withheld_settlement_is_drafted_with_its_deduction(world, uow_factory, clock, tmp_path):
    imported(uow_factory, tmp_path, Q2)
    add_sale(uow_factory, "D001", "300000", date(2026, 5, 3))
    severe_violation(uow_factory, datetime(2026, 5, 10, tzinfo=UTC), status="penalized")
    run(uow_factory, clock, "rebate_settlement")
    with uow_factory() as uow:
        (s,) = uow.rebates.settlements(Period.parse("2026-Q2"))
    assert (s.gross, s.deduction, s.net) == (Decimal("6000.00"), Decimal("6000.00"), Decimal("0"))


def test_the_nudge_tells_a_dealer_near_the_next_tier_once_per_tier(
    world, uow_factory, clock, tmp_path
):
    imported(uow_factory, tmp_path, Q3)
    add_sale(uow_factory, "D001", "849000", date(2026, 7, 3))
    run(uow_factory, clock, "rebate_nudge")  # July: too early
    assert not [t for t in outbox_texts(uow_factory, "dealer1") if "返利提醒" in t]
    clock.set(datetime(2026, 9, 21, 2, 0, tzinfo=UTC))
    run(uow_factory, clock, "rebate_nudge")
    clock.set(datetime(2026, 9, 22, 2, 0, tzinfo=UTC))
    run(uow_factory, clock, "rebate_nudge")
    told = [t for t in outbox_texts(uow_factory, "dealer1") if "返利提醒" in t]
    assert len(told) == 1 and "还剩 10 天" in told[0] and "¥86,400.00" in told[0]
    add_sale(uow_factory, "D001", "86400", date(2026, 9, 22))
    clock.set(datetime(2026, 9, 23, 2, 0, tzinfo=UTC))
    run(uow_factory, clock, "rebate_nudge")
    told = [t for t in outbox_texts(uow_factory, "dealer1") if "返利提醒" in t]
    assert len(told) == 2 and any("第 3 档" in t for t in told)


def test_the_rebate_view_speaks_english_on_request(world, uow_factory, tmp_path):
    imported(uow_factory, tmp_path, Q3)
    add_sale(uow_factory, "D001", "849000", date(2026, 7, 3))
    dealer = world["dealer1"]
    dealer.say("/lang en")
    text = dealer.say("/rebate")
    assert "Current tier: tier 1 (3%)" in text and "Accrued so far: ¥25,470.00" in text
    assert "¥86,400.00 more reaches tier 2 (3% → 5%), about ¥21,300.00 more rebate" in text
    assert "tier 2" in dealer.say("how much more to the next tier?")


def test_a_target_basis_uses_last_years_target_grown_when_none_is_set(world, uow_factory, tmp_path):
    rows = [
        ["T-RB", "2026-Q3", "target", "", "0", "100", "1", "", ""],
        ["T-RB", "2026-Q3", "target", "", "100", "", "2", "", ""],
    ]
    imported(uow_factory, tmp_path, rows)
    set_target(uow_factory, "D001", "2025-Q3", "1000000")
    add_sale(uow_factory, "D001", "650000", date(2026, 7, 3))
    assert "50.00%（¥650,000.00 / 任务 ¥1,300,000.00）" in world["dealer1"].say("/rebate")
