"""A dealer appeals a decided violation; the role above the decider hears it (both DBs)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.deposits.model import EntryKind, NewEntry
from tests.integration.approvals.test_approvals import outbox_texts, world_with


def penalized(world, uow_factory) -> int:
    world["dealer1"].say("/report A100 1 2900 T-0001")  # 3.3% under the floor
    with uow_factory() as uow:
        (v,) = uow.violations.list([DealerCode("D001")])
    assert "已记录" in world["boss_sc"].say(f"/violation {v.id} penalize fine 5000 第一次低价")
    return v.id


def test_an_upheld_appeal_withdraws_the_violation_and_books_back_the_deposit(uow_factory, clock):
    world = world_with(uow_factory, clock)
    vid = penalized(world, uow_factory)
    with uow_factory() as uow:  # what a confiscation for this violation took
        uow.deposits.append(
            NewEntry(
                DealerCode("D001"),
                EntryKind.PLEDGE,
                Decimal("20000"),
                date(2026, 1, 1),
                "",
                "opening",
                "import",
                "opening:D001",
            ),
            clock.now(),
        )
        uow.deposits.append(
            NewEntry(
                DealerCode("D001"),
                EntryKind.CONFISCATION,
                Decimal("5000"),
                date(2026, 7, 17),
                "",
                f"violation:{vid}",
                "manager:M01",
                f"violation:{vid}:confiscation",
            ),
            clock.now(),
        )
        uow.commit()
    sent = world["dealer1"].say(f"/appeal {vid} 该价格已获口头批准")
    assert "已提交申诉 #1" in sent and "营销总监" in sent and "已通知 1 位" in sent
    assert "A100" in sent  # the appeal names the sale
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "md_sc"))
    assert not any("待您审批" in t for t in outbox_texts(uow_factory, "boss_sc"))
    decided = world["md_sc"].say("/approval 1 approve 确有批准记录")
    assert f"违规 #{vid} 已撤销" in decided
    with uow_factory() as uow:
        assert uow.violations.get(vid).status.value == "dismissed"
        assert uow.deposits.balance(DealerCode("D001")) == Decimal("20000.00")
    assert any(f"违规 #{vid}" in t and "被撤销" in t for t in outbox_texts(uow_factory, "boss_sc"))
    assert "没有成立的处理决定" in world["dealer1"].say(f"/appeal {vid} 再次申诉")


def test_a_refused_appeal_leaves_the_decision_standing_and_tells_both(uow_factory, clock):
    world = world_with(uow_factory, clock)
    vid = penalized(world, uow_factory)
    world["dealer1"].say(f"/appeal {vid} 理由")
    world["md_sc"].say("/approval 1 reject 无批准记录")
    with uow_factory() as uow:
        assert uow.violations.get(vid).status.value == "penalized"
    assert any("未获支持" in t for t in outbox_texts(uow_factory, "boss_sc"))
    assert any("无批准记录" in t for t in outbox_texts(uow_factory, "dealer1"))
    assert "已提交过申诉" in world["dealer1"].say(f"/appeal {vid} 再次申诉")


def test_appeals_out_of_time_on_open_or_unknown_violations_are_refused(uow_factory, clock):
    world = world_with(uow_factory, clock)
    world["dealer1"].say("/report A100 1 2900 T-0001")
    with uow_factory() as uow:
        (v,) = uow.violations.list([DealerCode("D001")])
    assert "没有成立的处理决定" in world["dealer1"].say(f"/appeal {v.id} 理由")
    assert "用法" in world["dealer1"].say(f"/appeal {v.id}")
    world["boss_sc"].say(f"/violation {v.id} confirm")
    clock.advance(days=7, seconds=1)
    assert "申诉期（7 天）已于" in world["dealer1"].say(f"/appeal {v.id} 理由")
    assert "999" in world["dealer1"].say("/appeal 999 理由")
