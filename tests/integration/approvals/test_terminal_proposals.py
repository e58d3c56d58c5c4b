"""申请新增终端 through the conversation core, on SQLite and PostgreSQL: a sale naming a
terminal the catalog lacks waits as a draft while the regional director decides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.approvals.model import RequestId, State
from domain.catalog.model import TerminalCode
from handlers.approvals.sla import run_approval_sla
from handlers.core.context import CoreOptions
from handlers.core.conversation import Conversation
from storage.sales.models import SaleRow
from tests.integration.approvals.test_approvals import add_staff, outbox_texts, world_with
from tests.support import Chat, invite, seed_catalog

HOSPITAL = "成都市第三人民医院"


@pytest.fixture
def world(uow_factory, clock):
    return world_with(uow_factory, clock)


def sales(uow_factory) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(SaleRow))


def terminal(uow_factory, code: str = "TP-00001"):
    with uow_factory() as uow:
        return uow.catalog.terminal(TerminalCode(code))


def fill_proposal(dealer: Chat, *, name: str | None = None) -> str:
    """Answer the proposal form from its first question (the name) to its Confirm."""
    # None: the name the dealer wrote is kept
    asked = dealer.press(HOSPITAL) if name is None else dealer.say(name)
    assert "地址" in asked
    assert "区域" in dealer.say("成都市武侯区一环路 1 号")
    assert "类型" in dealer.press("四川")
    preview = dealer.press("医院")
    assert (name or HOSPITAL) in preview and "区域总监" in preview and "四川" in preview
    return dealer.press("确认发送")


def propose_from_sentence(dealer: Chat) -> str:
    dealer.say(f"给{HOSPITAL}卖了2台A100，单价3500")
    asked = dealer.press("申请新增终端")
    assert "草稿 #1" in asked and "终端名称" in asked
    return fill_proposal(dealer)


def test_the_director_is_asked_and_shown_the_proposal_and_the_waiting_sale(world, uow_factory):
    sent = propose_from_sentence(world["dealer1"])
    assert "#1" in sent and "已通知 郑总监 (M07)" in sent and "草稿 #1" in sent
    [card] = [t for t in outbox_texts(uow_factory, "rd_sc") if "待您审批" in t]
    assert HOSPITAL in card and "武侯区" in card and "医院" in card
    assert "草稿 #1" in card and "A100" in card and "¥3,500.00" in card
    assert not any("待您审批" in t for t in outbox_texts(uow_factory, "md_sc"))
    assert sales(uow_factory) == 0


def test_approval_adds_the_terminal_and_the_draft_resumes_to_be_confirmed(world, uow_factory):
    propose_from_sentence(world["dealer1"])
    done = world["rd_sc"].say("/approval 1 approve")
    assert "终端已加入终端库" in done and "TP-00001" in done
    added = terminal(uow_factory)
    assert added is not None and added.name == HOSPITAL and added.region_code == "SC"
    [told] = [t for t in outbox_texts(uow_factory, "dealer1") if "您申请的终端" in t]
    assert "草稿 #1" in told and "确认后才会记录" in told and "TP-00001" in told
    assert "已记录销售 #1" in world["dealer1"].say("/draft 1 ok")
    assert sales(uow_factory) == 1


def test_rejection_tells_the_reason_and_keeps_the_draft_editable(world, uow_factory):
    propose_from_sentence(world["dealer1"])
    world["rd_sc"].say("/approval 1 reject 该医院已在库中，名称不同")
    assert terminal(uow_factory) is None
    [kept] = [t for t in outbox_texts(uow_factory, "dealer1") if "草稿 #1 仍保留" in t]
    assert "驳回" in kept and "该医院已在库中" in kept
    assert "已取消" in world["dealer1"].say("/draft 1 cancel")
    assert sales(uow_factory) == 0


def test_a_draft_waiting_for_its_terminal_cannot_be_confirmed_yet(world):
    propose_from_sentence(world["dealer1"])
    assert "等待新增终端申请 #1" in world["dealer1"].say("/draft 1 ok")


def test_the_same_name_proposed_again_while_pending_is_not_opened_twice(world, uow_factory):
    d = world["dealer1"]
    propose_from_sentence(d)
    d.say(f"给{HOSPITAL}卖了1台A100，单价3600")
    d.press("申请新增终端")
    again = fill_proposal(d)
    assert "不再重复提交" in again and "#1" in again
    with uow_factory() as uow:
        assert len(uow.approvals.of_requester("dealer:D001")) == 1
    world["rd_sc"].say("/approval 1 approve")
    assert "已记录销售" in d.say("/draft 1 ok") and "已记录销售" in d.say("/draft 2 ok")
    assert sales(uow_factory) == 2


def test_the_one_line_command_and_the_form_reach_the_same_proposal(world, uow_factory):
    d = world["dealer1"]
    d.say(f"/report A100 2 3500 {HOSPITAL}")
    d.press("申请新增终端")
    assert "#1" in fill_proposal(d)
    d.say("/report")
    d.press("A100")
    d.say("2")
    d.say("3500")
    assert "终端名称" in d.press("申请新增终端")
    assert "#2" in fill_proposal(d, name="成都市第五人民医院")
    with uow_factory() as uow:
        assert len(uow.approvals.of_requester("dealer:D001")) == 2


def test_with_no_regional_director_linked_the_dealer_is_told_nobody_was(uow_factory, clock):
    seed_catalog(uow_factory)
    add_staff(uow_factory)
    dealer = Chat(Conversation(uow_factory, clock), "dealer1")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    sent = propose_from_sentence(dealer)
    assert "没有已绑定的审批人" in sent and "已通知" not in sent


def test_a_draft_approved_days_later_can_still_be_confirmed(world, uow_factory, clock):
    propose_from_sentence(world["dealer1"])
    clock.advance(days=2)  # past the day a draft waits for its Confirm
    world["rd_sc"].say("/approval 1 approve")
    assert "已记录销售 #1" in world["dealer1"].say("/draft 1 ok")


def test_an_expired_proposal_gives_the_draft_back_to_the_dealer(world, uow_factory, clock):
    propose_from_sentence(world["dealer1"])
    clock.advance(hours=200)
    with uow_factory() as uow:
        for _ in range(3):  # remind, escalate, expire: one step per run
            run_approval_sla(uow, clock.now(), CoreOptions())
        uow.commit()
        assert uow.approvals.get(RequestId(1)).state is State.EXPIRED
    again = world["dealer1"].say("/draft 1 ok")
    assert "等待新增终端申请" not in again and "请选择终端" in again


def test_a_draft_cancelled_while_waiting_is_not_resumed_and_the_dealer_is_told_so(
    world, uow_factory
):
    propose_from_sentence(world["dealer1"])
    assert "已取消" in world["dealer1"].say("/draft 1 cancel")
    world["rd_sc"].say("/approval 1 approve")
    [told] = [t for t in outbox_texts(uow_factory, "dealer1") if "您申请的终端" in t]
    assert "已取消或已记录" in told and "请确认" not in told
    assert terminal(uow_factory) is not None


def test_an_english_dealer_proposes_in_english(world, uow_factory):
    d = world["dealer1"]
    d.say("/lang en")
    d.say(f"/report A100 2 3500 {HOSPITAL}")
    assert "Draft #1" in d.press("propose a new terminal")
    assert "address" in d.press(HOSPITAL)
    d.say("1 Yihuan Road")
    d.press("SC")
    assert "Approval chain: a regional director" in d.press("Hospital")
    assert "told 郑总监 (M07)" in d.press("Send")


def test_a_name_longer_than_a_button_can_carry_is_still_kept_with_its_button(world, uow_factory):
    long_name = "四川省成都市高新技术产业开发区第三人民医院西区分院"  # 75 bytes in UTF-8
    d = world["dealer1"]
    d.say(f"/report A100 2 3500 {long_name}")
    d.press("申请新增终端")
    assert "地址" in d.press("保持")
    d.say("成都市高新区一号")
    d.press("四川")
    assert long_name in d.press("医院")
    d.press("确认发送")
    with uow_factory() as uow:
        [request] = uow.approvals.of_requester("dealer:D001")
        assert request.payload["name"] == long_name


def test_a_proposed_terminal_outside_the_territory_is_said_so_on_the_resumed_card(
    world, uow_factory
):
    d = world["dealer1"]
    d.say("给上海市第六人民医院卖了2台A100，单价3500")
    d.press("申请新增终端")
    d.press("上海市第六人民医院")
    d.say("上海市徐汇区一号")
    assert "类型" in d.say("SH")  # typed: not one of the dealer's regions
    d.press("医院")
    d.press("确认发送")
    world["rd_sc"].say("/approval 1 approve")  # the dealer's region's director decides
    [told] = [t for t in outbox_texts(uow_factory, "dealer1") if "您申请的终端" in t]
    assert "不在您的授权区域内" in told and sales(uow_factory) == 0


def test_a_returned_proposal_is_resubmitted_not_reopened_and_its_approval_resumes_the_draft(
    world, uow_factory
):
    d = world["dealer1"]
    propose_from_sentence(d)
    world["rd_sc"].say("/approval 1 return 请补充门牌号")
    [kept] = [t for t in outbox_texts(uow_factory, "dealer1") if "草稿 #1 仍保留" in t]
    assert "退回" in kept and "请补充门牌号" in kept
    d.say("/draft 1 ok")  # the terminal question again
    d.press("申请新增终端")
    again = fill_proposal(d)
    assert "/approval 1 resubmit" in again
    d.say("/approval 1 resubmit")
    assert "等待新增终端申请 #1" in d.say("/draft 1 ok")
    world["rd_sc"].say("/approval 1 approve")
    assert "已记录销售 #1" in d.say("/draft 1 ok")
