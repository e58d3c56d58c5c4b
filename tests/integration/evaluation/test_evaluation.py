"""Scorecards from seeded data through the job, sign-off, publication, tier change and
appeal, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import DealerCode
from domain.evaluation.model import CardState, Criterion, NotApplicable
from domain.shared.periods import Period
from handlers.core.context import CoreOptions
from handlers.core.jobs import RunTrigger, run_job
from storage.models import ApprovalRequestRow, DealerRow, ScorecardRow
from tests.integration.approvals.test_approvals import outbox_texts, world_with
from tests.integration.catalog.test_imports import quiet, write
from tests.integration.evaluation.seeds import seed_quarter
from tests.integration.targets.test_targets_and_jobs import set_target
from tests.support import JOBS

Q2 = Period.parse("2026-Q2")


@pytest.fixture
def world(uow_factory, clock):
    people = world_with(uow_factory, clock)
    seed_quarter(uow_factory)
    return people


def run(uow_factory, clock, trigger=RunTrigger.SCHEDULE):
    return run_job(JOBS, uow_factory, clock, CoreOptions(), "evaluation", clock.now(), trigger)


def card(uow_factory, dealer="D001"):
    with uow_factory() as uow:
        return uow.evaluation.of(DealerCode(dealer), Q2)


def tier(uow_factory, dealer="D001"):
    with uow_factory() as uow:
        return uow.session.scalar(select(DealerRow.tier).where(DealerRow.code == dealer))


def test_each_criterion_is_computed_from_the_stored_quarter(world, uow_factory, clock):
    run(uow_factory, clock)
    c = card(uow_factory)
    got = {s.criterion: (s.value, s.points) for s in c.scores}
    assert got[Criterion.SALES] == (D("80.00"), D("80.00"))
    assert got[Criterion.MARKET_SHARE] == (D("10.00"), D("50.00"))
    assert got[Criterion.SATISFACTION] == (D("4.50"), D("90.00"))
    assert got[Criterion.SERVICE] == (D("50.00"), D("50.00"))
    assert got[Criterion.COMPLIANCE] == (D("100.00"), D("0.00"))  # 3 weighted per 3 sales
    assert got[Criterion.REPORTING] == (D("66.67"), D("66.67"))
    assert c.score(Criterion.TRAINING).missing is NotApplicable.NO_NOTICES
    # (30x80 + 10x50 + 15x90 + 15x50 + 15x0 + 10x66.67) / 95, training left out
    assert (c.total, c.grade, c.tier, c.new_tier) == (D("59.65"), "D", "A", "B")
    assert c.consequences == ("lower_tier", "rebid_new_part", "renewal_review")
    assert c.state is CardState.DRAFT


def test_rebid_sets_next_years_target_to_this_years_on_approval(world, uow_factory, clock):
    set_target(uow_factory, "D001", "2026", "4000000")
    run(uow_factory, clock)
    with uow_factory() as uow:  # nothing before the sign-off
        assert Period.parse("2027") not in uow.targets.explicit([2027]).get(DealerCode("D001"), {})
    decided = world["boss_sc"].say(f"/approval {card(uow_factory).request_id} approve")
    assert "2027 年目标设为 ¥4,000,000.00" in decided
    with uow_factory() as uow:  # this year's, not 5,200,000 (+30 %)
        assert uow.targets.explicit([2027])[DealerCode("D001")][Period.parse("2027")] == D(
            "4000000"
        )


def test_a_first_year_dealer_is_not_assessed_on_sales(world, uow_factory, clock):
    run(uow_factory, clock)
    c = card(uow_factory, "D002")
    assert c.score(Criterion.SALES).missing is NotApplicable.FIRST_YEAR
    assert c.score(Criterion.MARKET_SHARE).missing is NotApplicable.NO_MARKET_SIZE
    assert c.score(Criterion.COMPLIANCE).missing is NotApplicable.NO_SALES


def test_the_job_run_twice_and_by_two_schedulers_drafts_and_sends_once(world, uow_factory, clock):
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        run(uow_factory, clock)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run(uow_factory, clock, RunTrigger.MANUAL)
    assert "没有新增" in world["admin"].say("/evaluate all 2026-Q2")
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count(ScorecardRow.id))) == 2
        assert uow.session.scalar(select(func.count(ApprovalRequestRow.id))) == 2
    assert len([t for t in outbox_texts(uow_factory, "boss_sc") if "待您审批" in t]) == 1


def test_publication_only_after_sign_off_and_the_tier_changes_on_approval(
    world, uow_factory, clock
):
    run(uow_factory, clock)
    assert "暂无已发布" in world["dealer1"].say("/score 2026-Q2")
    assert tier(uow_factory) == "A"
    request = card(uow_factory).request_id
    decided = world["boss_sc"].say(f"/approval {request} approve")
    assert "已发布并通知经销商" in decided and "由 A 调整为 B" in decided
    assert tier(uow_factory) == "B"
    told = [t for t in outbox_texts(uow_factory, "dealer1") if "考核结果已发布" in t]
    assert len(told) == 1 and "59.65" in told[0]
    text = world["dealer1"].say("/score 2026-Q2")
    assert "总分 59.65 · 等级 D" in text and "不适用（本期没有需要确认的通知）" in text
    assert "优先改进：合规经营" in text and "/score appeal 2026-Q2" in text
    [reply] = world["dealer1"].last
    assert reply.image is not None and reply.image.content.startswith(b"\x89PNG")


def test_a_manager_adjusts_a_criterion_with_a_reason_before_signing_off(world, uow_factory, clock):
    run(uow_factory, clock)
    request = card(uow_factory).request_id
    assert "不由您审核" in world["md_sc"].say("/score D001 2026-Q2 adjust compliance 60 复核")
    assert "需要理由" in world["boss_sc"].say("/score D001 2026-Q2 adjust compliance 60")
    assert "0 到 100" in world["boss_sc"].say("/score D001 2026-Q2 adjust 合规经营 160 复核")
    done = world["boss_sc"].say("/score D001 2026-Q2 adjust 合规经营 60 违规已整改")
    assert "总分 69.12，等级 C" in done
    c = card(uow_factory)
    (note,) = c.adjustments
    assert (note["criterion"], note["from"], note["to"]) == ("compliance", "0.00", "60.00")
    assert note["reason"] == "违规已整改" and note["by"] == "manager:M01"
    assert c.new_tier is None  # a C keeps the tier
    world["boss_sc"].say(f"/approval {request} approve")
    assert tier(uow_factory) == "A"
    text = world["dealer1"].say("/score 2026-Q2")
    assert "经调整（原 0.00 分，理由：违规已整改）" in text and "等级 C" in text
    assert "不能调整" in world["boss_sc"].say("/score D001 2026-Q2 adjust compliance 70 又改")


@pytest.mark.parametrize("decision", ["reject", "return"])  # a job's card: none to resubmit it
def test_a_refused_card_is_not_published_and_the_next_run_drafts_it_again(
    world, uow_factory, clock, decision
):
    run(uow_factory, clock)
    request = card(uow_factory).request_id
    world["boss_sc"].say(f"/approval {request} {decision} 请补充数据")
    assert card(uow_factory).state is CardState.REJECTED
    assert "暂无已发布" in world["dealer1"].say("/score 2026-Q2")
    assert tier(uow_factory) == "A"
    run(uow_factory, clock, RunTrigger.MANUAL)
    again = card(uow_factory)
    assert again.state is CardState.DRAFT and again.request_id != request


def test_the_dealer_appeals_within_the_appeal_days_and_the_chain_reviews(world, uow_factory, clock):
    run(uow_factory, clock)
    assert "尚未发布" in world["dealer1"].say("/score appeal 2026-Q2 数据有误")
    world["boss_sc"].say(f"/approval {card(uow_factory).request_id} approve")
    sent = world["dealer1"].say("/score appeal 2026-Q2 六月销售已按时上报")
    assert "申诉已提交" in sent
    c = card(uow_factory)
    assert c.state is CardState.APPEALED and c.appeal == "六月销售已按时上报"
    assert "已申诉过" in world["dealer1"].say("/score appeal 2026-Q2 再次申诉")
    world["boss_sc"].say("/score D001 2026-Q2 adjust reporting 100 六月已核实")
    upheld = world["boss_sc"].say(f"/approval {c.request_id} approve")
    assert "已发布" in upheld
    after = card(uow_factory)
    # reporting 66.67 -> 100: (5666.70 + 333.30) / 95 = 63.16, a C: the tier lowered on the
    # first sign-off goes back to the one the card was drafted with
    assert after.state is CardState.PUBLISHED and (after.total, after.grade) == (D("63.16"), "C")
    assert tier(uow_factory) == "A"
    assert any("申诉已复核通过" in t for t in outbox_texts(uow_factory, "dealer1"))


def test_an_appeal_after_the_appeal_days_is_refused(world, uow_factory, clock):
    run(uow_factory, clock)
    world["boss_sc"].say(f"/approval {card(uow_factory).request_id} approve")
    clock.set(clock.now() + timedelta(days=14, minutes=1))
    assert "申诉期已过" in world["dealer1"].say("/score appeal 2026-Q2 太晚了")


def test_managers_rank_scores_with_grade_counts_a_chart_and_an_export(world, uow_factory, clock):
    run(uow_factory, clock)
    text = world["admin"].say("/scores 2026-Q2")
    assert "2026-Q2 考核排名（2 家）" in text and "D 2" in text and "1. D001 59.65" in text
    assert world["admin"].last[0].image is not None
    assert "D002" not in world["boss_sc"].say("/scores 2026-Q2")  # not in his regions
    assert "D001" not in world["admin"].say("/scores 2026-Q2 SH")
    assert "没有区域" in world["admin"].say("/scores 2026-Q2 XX")
    assert "待审核" in world["boss_sc"].say("/score D001 2026-Q2")
    world["admin"].say("/export scores 2026-Q2")
    [sheet] = [r.document for r in world["admin"].last if r.document is not None]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("经销商", "期间", "总分", "等级") and rows[1][0] == "D001"


def test_evaluate_names_bad_input(world):
    admin = world["admin"]
    assert "用法" in admin.say("/evaluate all")
    assert "2026-Q9" in admin.say("/evaluate all 2026-Q9")
    assert "尚未结束" in admin.say("/evaluate all 2026-Q3")
    assert "D999" in admin.say("/evaluate D999 2026-Q2")
    assert "已生成 1 份" in admin.say("/evaluate D001 2026-Q2")


def test_market_sizes_are_imported_all_or_nothing(world, uow_factory, tmp_path):
    header = ["region_code", "line", "period", "amount"]
    bad = [
        header,
        ["SC", "IMG", "2026-Q3", "100"],
        ["XX", "IMG", "2026-Q3", "1"],
        ["SC", "NOPE", "2026-Q3", "1"],
        ["SC", "IMG", "Q3", "1"],
    ]
    result = run_import(
        uow_factory, ImportKind.MARKET_SIZES, write(tmp_path, "m", bad, "csv"), quiet()
    )
    problems = [describe(e, ImportKind.MARKET_SIZES) for e in result.errors]
    assert len(problems) == 3 and any("XX" in p for p in problems), problems
    good = [header, ["SC", "IMG", "2026-Q3", "100"], ["SC", "MON", "2026-Q3", "50"]]
    first = run_import(
        uow_factory, ImportKind.MARKET_SIZES, write(tmp_path, "m", good, "xlsx"), quiet()
    )
    assert first.ok and first.created == 2
    again = run_import(
        uow_factory, ImportKind.MARKET_SIZES, write(tmp_path, "m", good, "xlsx"), quiet()
    )
    assert again.unchanged == 2


def test_many_cards_reach_each_approver_as_one_message(world, uow_factory, clock):
    with uow_factory() as uow:
        s = uow.session
        from storage.models import AuthorizationRow, RegionRow

        sc = s.scalar(select(RegionRow).where(RegionRow.code == "SC"))
        for i in range(11):
            d = DealerRow(code=f"E{i:03d}", name=f"经销商{i}", tier="B")
            s.add(d)
            s.add(AuthorizationRow(dealer=d, region=sc, line="IMG", valid_from=Q2.start))
        uow.commit()
    run(uow_factory, clock)
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count(ScorecardRow.id))) == 13
    texts = outbox_texts(uow_factory, "boss_sc")
    assert [t for t in texts if "考核表待审核" in t] == [
        "您有 12 份 2026-Q2 经销商考核表待审核：发送 /approvals 逐一查看，"
        "可先用 /score 经销商 2026-Q2 adjust 调整后再审批"
    ]
    assert not [t for t in texts if "待您审批" in t]


def test_the_card_speaks_english_on_request(world, uow_factory, clock):
    run(uow_factory, clock)
    world["boss_sc"].say(f"/approval {card(uow_factory).request_id} approve")
    dealer = world["dealer1"]
    dealer.say("/lang en")
    text = dealer.say("/score 2026-Q2")
    assert "Total 59.65 · grade D" in text and "Improve first: Compliance" in text
    assert (
        "• Training: N/A (no notice of the period asked for an acknowledgement), "
        "left out of the total" in text
    )
    assert "• Sales achievement: 80.00% of target, 80.00 points (weight 30)" in text
    assert dealer.last[0].image is not None
