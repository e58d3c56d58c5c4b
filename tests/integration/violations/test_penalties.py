"""Penalties along the ladder, with amounts; a confiscation moves the deposit (both DBs)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.catalog.model import DealerCode
from domain.deposits.model import EntryKind, NewEntry
from storage.models import ChatIdentityRow
from tests.integration.approvals.test_approvals import outbox_texts, world_with

D1 = DealerCode("D001")


@pytest.fixture
def world(uow_factory, clock):
    return world_with(uow_factory, clock)


def violation_under_floor(world, uow_factory) -> int:
    world["dealer1"].say("/report A100 1 2900 T-0001")  # 3.3% under the floor
    with uow_factory() as uow:
        return uow.violations.list([D1])[0].id


def pledge(uow_factory, clock, amount: str = "20000") -> None:
    with uow_factory() as uow:
        uow.deposits.append(
            NewEntry(D1, EntryKind.PLEDGE, Decimal(amount), date(2026, 1, 1), "", "t", "t", "p"),
            clock.now(),
        )
        uow.commit()


def test_a_first_offence_suggests_a_warning_taken_with_one_press(world, uow_factory):
    vid = violation_under_floor(world, uow_factory)
    shown = world["boss_sc"].say(f"/violation {vid} penalize")
    assert "同类违规成立 0 次" in shown and "建议：警告（处罚阶梯第 1 步" in shown
    assert "警告 → 罚款 → 扣留货款 → 终止供货" in shown
    recorded = world["boss_sc"].press("按建议：警告")
    assert f"违规 #{vid} → 已处罚（警告）" in recorded and "7 天内申诉" in recorded
    told = [t for t in outbox_texts(uow_factory, "dealer1") if f"/appeal {vid}" in t]
    assert len(told) == 1 and "A100" in told[0]


def test_a_second_offence_suggests_a_fine_which_needs_an_amount(world, uow_factory):
    first = violation_under_floor(world, uow_factory)
    world["boss_sc"].say(f"/violation {first} penalize warning")
    second = violation_under_floor(world, uow_factory)
    shown = world["boss_sc"].say(f"/violation {second} penalize")
    assert "同类违规成立 1 次" in shown and f"#{first}" in shown and "建议：罚款" in shown
    assert "需要写明金额" in world["boss_sc"].say(f"/violation {second} penalize 罚款")
    done = world["boss_sc"].say(f"/violation {second} penalize 罚款 5000 第二次低价")
    assert "罚款 ¥5,000.00" in done
    assert "罚款 ¥5,000.00" in world["boss_sc"].say(f"/violation {second}")
    assert any("罚款 ¥5,000.00" in t for t in outbox_texts(uow_factory, "dealer1"))


def test_another_step_than_the_suggestion_needs_a_reason(world, uow_factory):
    vid = violation_under_floor(world, uow_factory)
    refused = world["boss_sc"].say(f"/violation {vid} penalize 终止供货")
    assert "建议的处罚是“警告”" in refused
    with uow_factory() as uow:
        assert uow.violations.get(vid).status.value == "open"
    assert "终止供货" in world["boss_sc"].say(f"/violation {vid} penalize 终止供货 多次警告无效")


def test_a_confiscation_is_confirmed_first_and_moves_the_deposit_with_the_decision(
    world, uow_factory, clock
):
    pledge(uow_factory, clock)
    vid = violation_under_floor(world, uow_factory)
    boss = world["boss_sc"]
    preview = boss.say(f"/violation {vid} penalize 没收保证金 5000 恶意低价")
    assert "余额 ¥20,000.00 → ¥15,000.00" in preview and "A100" in preview
    boss.say("/cancel")
    with uow_factory() as uow:
        assert uow.deposits.balance(D1) == Decimal("20000.00")
        assert uow.violations.get(vid).status.value == "open"
    boss.say(f"/violation {vid} penalize 没收保证金 5000 恶意低价")
    done = boss.press("确认")
    assert "没收保证金 ¥5,000.00" in done and "/undo" in done
    with uow_factory() as uow:
        assert uow.deposits.balance(D1) == Decimal("15000.00")
        (entry,) = [e for e in uow.deposits.entries(D1) if e.kind is EntryKind.CONFISCATION]
        assert entry.source == f"violation:{vid}"
        assert uow.violations.get(vid).penalty_amount == Decimal("5000.00")


def test_more_than_the_balance_cannot_be_confiscated(world, uow_factory, clock):
    pledge(uow_factory, clock, "1000")
    vid = violation_under_floor(world, uow_factory)
    refused = world["boss_sc"].say(f"/violation {vid} penalize 没收保证金 5000 恶意低价")
    assert "余额只有 ¥1,000.00" in refused


def test_a_decision_says_nobody_was_told_when_the_dealer_has_no_reachable_chat(world, uow_factory):
    vid = violation_under_floor(world, uow_factory)
    with uow_factory() as uow:  # the dealer's only contact no longer speaks for it
        uow.session.query(ChatIdentityRow).filter_by(chat_id="dealer1").update({"dealer_id": None})
        uow.commit()
    answer = world["boss_sc"].say(f"/violation {vid} confirm")
    assert "未能通知" in answer and "已通知经销商" not in answer
