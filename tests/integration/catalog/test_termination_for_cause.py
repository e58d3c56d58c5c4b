"""A dealership cancelled as a penalty ends its contract's renewal; undone, it comes back
(SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.integration.catalog import test_renewals
from tests.integration.catalog.test_renewals import dealer_buttons, renewals

world = test_renewals.world  # the same fixture: D001 with a contract ending in 23 days

CANCEL = "取消经销资格 屡次跨区"


def cancel_over(world, uow_factory) -> str:
    world["dealer1"].say("/report A100 1 2900 T-0001")  # under the floor: a violation
    with uow_factory() as uow:
        vid = uow.violations.list([uow.catalog.dealer("D001").code])[0].id
    world["boss_sc"].say(f"/violation {vid} penalize {CANCEL}")
    return world["boss_sc"].press("确认")


def test_cancelling_the_dealership_records_the_contracts_termination_notice(world, uow_factory):
    done = cancel_over(world, uow_factory)
    assert "取消经销资格" in done and "已记录 D001 的合同终止通知" in done
    [row] = renewals(uow_factory)
    assert (row.state, row.reason) == ("terminated", "屡次跨区")
    assert row.notice_on is not None
    assert "终止通知" in world["dealer1"].say("/contract")
    assert "不能再提出条件" in world["boss_sc"].say("/renewal D001")


def test_undoing_the_cancellation_puts_the_renewal_back_as_it_was(world, uow_factory):
    world["boss_sc"].say("/renewal D001")  # terms proposed before the penalty
    cancel_over(world, uow_factory)
    assert "已撤销决定" in world["boss_sc"].say("/undo 1")
    [row] = renewals(uow_factory)
    assert (row.state, row.notice_on, row.reason) == ("proposed", None, "")


def test_a_renewal_on_the_chain_cannot_be_approved_once_the_dealership_is_cancelled(
    world, uow_factory
):
    world["boss_sc"].say("/renewal D001")
    world["dealer1"].say(payload=dealer_buttons(uow_factory)["确认续签"])
    done = cancel_over(world, uow_factory)
    assert "审批中的续签 #1 不能再批准" in done
    world["boss_sc"].say("/approval 1 approve")
    refused = world["md_sc"].say("/approval 1 approve")
    assert "经销资格已被取消" in refused
    with uow_factory() as uow:
        assert len(uow.catalog.contracts(uow.catalog.dealer("D001").code)) == 1
    assert "状态：已驳回" in world["md_sc"].say("/approval 1 reject 已取消经销资格")
    assert renewals(uow_factory)[0].state == "terminated"
