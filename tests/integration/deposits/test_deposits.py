"""The deposit ledger through chat, imports and the shortfall job, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import DealerCode
from handlers.core.context import CoreOptions
from handlers.core.jobs import run_job
from storage.models import ContractRow, DealerRow
from tests.integration.approvals.test_approvals import outbox_texts, world_with
from tests.integration.catalog.test_imports import quiet, write
from tests.support import JOBS

D1 = DealerCode("D001")


def contract(uow_factory, deposit: str = "50000", end: date = date(2026, 12, 31)) -> None:
    with uow_factory() as uow:
        dealer = uow.session.scalar(select(DealerRow).where(DealerRow.code == "D001"))
        uow.session.add(
            ContractRow(
                dealer_id=dealer.id,
                start=date(2026, 1, 1),
                end=end,
                annual_target=Decimal("1000000"),
                deposit=Decimal(deposit),
                franchise_fee=Decimal("0"),
            )
        )
        uow.commit()


def balance(uow_factory, dealer: str = "D001") -> Decimal:
    with uow_factory() as uow:
        return uow.deposits.balance(DealerCode(dealer))


@pytest.fixture
def world(uow_factory, clock):
    people = world_with(uow_factory, clock)
    contract(uow_factory)
    return people


def test_a_dealer_sees_balance_requirement_and_shortfall(world, uow_factory):
    text = world["dealer1"].say("/deposit")
    assert "余额：¥0.00" in text and "合同要求：¥50,000.00" in text
    assert "低于合同要求 ¥50,000.00" in text and "还没有保证金记录" in text


def test_a_top_up_is_booked_at_once_and_the_dealer_is_told(world, uow_factory):
    reply = world["boss_sc"].say("/deposit D001 topup 30000 银行转账")
    assert "余额 ¥30,000.00" in reply and "已通知经销商（1 个账号）" in reply
    assert balance(uow_factory) == Decimal("30000.00")
    assert any("补缴：¥30,000.00" in t for t in outbox_texts(uow_factory, "dealer1"))
    listed = world["dealer1"].say("/deposit")
    assert "补缴 +¥30,000.00（银行转账）" in listed and "低于合同要求 ¥20,000.00" in listed


def test_a_deduction_waits_for_the_marketing_director_and_is_booked_once(world, uow_factory):
    world["boss_sc"].say("/deposit D001 topup 30000 转账")
    asked = world["boss_sc"].say("/deposit D001 deduct 5000 第二次低价罚款")
    assert "#1" in asked and "营销总监" in asked and "批准后才会记账" in asked
    assert balance(uow_factory) == Decimal("30000.00")
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "md_sc"))
    decided = world["md_sc"].say("/approval 1 approve")
    assert "已记账：保证金扣除 ¥5,000.00，余额 ¥25,000.00" in decided
    world["md_sc"].say("/approval 1 approve")  # a second press changes nothing
    assert balance(uow_factory) == Decimal("25000.00")


def test_an_approval_that_would_go_below_zero_is_refused_and_stays_pending(world, uow_factory):
    world["boss_sc"].say("/deposit D001 topup 6000 转账")
    world["boss_sc"].say("/deposit D001 deduct 5000 罚款一")
    world["boss_sc"].say("/deposit D001 deduct 5000 罚款二")
    world["md_sc"].say("/approval 1 approve")
    refused = world["md_sc"].say("/approval 2 approve")
    assert "余额只有 ¥1,000.00" in refused
    assert balance(uow_factory) == Decimal("1000.00")
    with uow_factory() as uow:
        assert uow.approvals.get(2).state.value == "pending"


def test_bad_amounts_missing_reasons_and_refunds_in_force_say_what_to_send(world):
    boss = world["boss_sc"]
    assert "不是有效金额" in boss.say("/deposit D001 topup abc 转账")
    assert "需要写明原因" in boss.say("/deposit D001 topup 100")
    assert "合同仍在有效期内" in boss.say("/deposit D001 refund 100 终止")
    assert "用法" in boss.say("/deposit")
    assert "D009" in boss.say("/deposit D009")


def test_a_dealer_cannot_move_money_and_sees_only_its_own(world):
    assert "没有使用这个命令的权限" in world["dealer1"].say("/deposit D001 topup 100 x")
    assert "D001" in world["dealer1"].say("/deposit D002")  # its own, never another's
    assert "¥100.00" not in world["dealer1"].say("/deposit")


def test_the_shortfall_job_tells_the_managers_once_per_shortfall(world, uow_factory, clock):
    def run():
        run_job(JOBS, uow_factory, clock, CoreOptions(), "deposit_shortfall", clock.now())

    run()
    run()
    told = [t for t in outbox_texts(uow_factory, "boss_sc") if "低于合同要求" in t]
    assert len(told) == 1 and "差 ¥50,000.00" in told[0]
    world["boss_sc"].say("/deposit D001 topup 50000 转账")
    run()
    assert len([t for t in outbox_texts(uow_factory, "boss_sc") if "低于合同要求" in t]) == 1


def test_importing_dealers_opens_their_ledger_once_and_entries_import_idempotently(
    uow_factory, tmp_path
):
    from tests.integration.catalog.test_imports import import_all

    import_all(uow_factory, tmp_path, "csv")
    opened = balance(uow_factory)
    with uow_factory() as uow:
        recorded = uow.session.scalar(select(DealerRow.deposit).where(DealerRow.code == "D001"))
    assert opened == recorded
    import_all(uow_factory, tmp_path, "csv")
    assert balance(uow_factory) == opened
    rows = [
        ["dealer_code", "kind", "amount", "date", "note"],
        ["D001", "补缴", "1000", "2026-03-01", "三月补缴"],
        ["D001", "deduction", "200.50", "2026-04-01", "罚款"],
    ]
    path = write(tmp_path, "deposits", rows, "csv")
    for _ in range(2):
        result = run_import(uow_factory, ImportKind.DEPOSITS, path, quiet())
        assert result.ok, [describe(e, ImportKind.DEPOSITS) for e in result.errors]
    assert balance(uow_factory) == opened + Decimal("799.50")


def test_a_bad_entry_kind_or_unknown_dealer_is_named_and_nothing_is_stored(uow_factory, tmp_path):
    from tests.integration.catalog.test_imports import import_all

    import_all(uow_factory, tmp_path, "csv")
    before = balance(uow_factory)
    rows = [
        ["dealer_code", "kind", "amount", "date"],
        ["D001", "gift", "1000", "2026-03-01"],
        ["D404", "topup", "1000", "2026-03-01"],
        ["D001", "topup", "1000", "2026-03-02"],
    ]
    result = run_import(
        uow_factory, ImportKind.DEPOSITS, write(tmp_path, "deposits", rows, "csv"), quiet()
    )
    problems = [describe(e, ImportKind.DEPOSITS) for e in result.errors]
    assert any("row 2" in p and "gift" in p and "topup" in p for p in problems), problems
    assert any("row 3" in p and "D404" in p for p in problems), problems
    assert balance(uow_factory) == before


@pytest.mark.parametrize("question", ["保证金还剩多少？", "我的保证金", "how much is my deposit"])
def test_a_dealer_asking_about_its_deposit_is_answered_from_its_ledger(world, question):
    world["boss_sc"].say("/deposit D001 topup 30000 转账")
    answer = world["dealer1"].say(question)
    assert "¥30,000.00" in answer and "¥50,000.00" in answer


def test_a_question_about_the_deposit_rule_still_goes_to_policy_qa(world):
    answer = world["dealer1"].say("保证金什么时候退？")
    assert "余额：" not in answer
