"""A terminal the catalog lacks must not become a false 窜货: only plausible matches are
offered, with "not listed: propose a new terminal" and cancel; that choice keeps the sale
as a draft and opens the proposal (tests/integration/approvals/test_terminal_proposals.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.core.conversation import Conversation
from storage.sales.models import SaleRow, ViolationRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def dealer(uow_factory, clock):
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def count(uow_factory, model) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def labels(chat: Chat) -> list[str]:
    return [label for label, _ in chat.buttons()]


def test_a_hospital_not_in_the_catalog_offers_no_other_citys_hospital(dealer, uow_factory):
    answer = dealer.say("给成都市第三人民医院卖了2台A100，单价3500")
    assert "瑞金医院" not in answer and not any("瑞金" in b for b in labels(dealer))
    assert "不在列表中，申请新增终端" in labels(dealer) and "取消" in labels(dealer)
    kept = dealer.press("不在列表中")
    assert "草稿 #1" in kept and "尚未记录" in kept and "终端名称" in kept
    assert "成都市第三人民医院" in " ".join(labels(dealer))  # the name it wrote, to keep
    assert count(uow_factory, SaleRow) == 0 and count(uow_factory, ViolationRow) == 0


def test_a_one_line_report_naming_an_unknown_hospital_can_be_cancelled(dealer, uow_factory):
    dealer.say("/report A100 2 3500 成都市第三人民医院")
    assert "不在列表中，申请新增终端" in labels(dealer)
    assert not any("瑞金" in b for b in labels(dealer))
    dealer.press("取消")
    assert count(uow_factory, SaleRow) == 0


def test_a_close_name_still_finds_its_terminal_and_records_once_picked(dealer, uow_factory):
    dealer.say("/report A100 2 3500 华西")
    assert "草稿" in dealer.press("华西医院")
    assert "已记录销售 #1" in dealer.press("确认")
    assert count(uow_factory, SaleRow) == 1


def test_a_terminal_outside_the_territory_is_said_so_before_confirming(dealer, uow_factory):
    card = dealer.say("给瑞金医院卖了1台A100，单价3500")
    assert "不在您的授权区域内" in card and "窜货" in card
    assert count(uow_factory, SaleRow) == 0


def test_the_form_offers_not_listed_and_keeps_a_draft(dealer, uow_factory):
    dealer.say("/report")
    dealer.press("A100")
    dealer.say("2")
    dealer.say("3500")
    assert "草稿 #1" in dealer.press("申请新增终端")
    assert count(uow_factory, SaleRow) == 0
