"""A typo must not become a severe violation: a price far under the floor, or a quantity
and price that look swapped, is asked about again before anything is recorded, whether the
sale came as a one-line command, a guided form or a sentence."""

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


def sale(uow_factory) -> tuple[int, str]:
    with uow_factory() as uow:
        row = uow.session.scalar(select(SaleRow))
        return row.qty, str(row.unit_price)


def test_a_command_far_under_the_floor_is_asked_again_and_recorded_only_when_sure(
    dealer, uow_factory
):
    answer = dealer.say("/report A100 2 5 T-0001")
    assert "单价 ¥5.00 比最低价 ¥3,000.00 低 99.8%，确定吗？" in answer
    assert count(uow_factory, SaleRow) == 0 and count(uow_factory, ViolationRow) == 0
    assert "#1" in dealer.press("确定")
    assert count(uow_factory, ViolationRow) == 1


def test_a_command_with_quantity_and_price_swapped_can_be_swapped_back(dealer, uow_factory):
    answer = dealer.say("/report A100 3500 2 T-0001")
    assert "写反" in answer and count(uow_factory, SaleRow) == 0
    card = dealer.press("对调")
    assert "¥7,000.00" in card and count(uow_factory, SaleRow) == 0
    assert "符合" in dealer.press("确认")
    assert sale(uow_factory) == (2, "3500.00")


def test_a_sentence_far_under_the_floor_is_asked_again_after_confirm(dealer, uow_factory):
    dealer.say("给华西医院卖了2台A100，单价5元")
    assert "确定吗" in dealer.press("确认")
    assert count(uow_factory, SaleRow) == 0
    dealer.press("取消")
    assert count(uow_factory, SaleRow) == 0


def test_the_form_asks_again_and_takes_a_corrected_price(dealer, uow_factory):
    dealer.say("/report")
    dealer.press("A100")
    dealer.say("2")
    dealer.say("5")
    dealer.press("华西医院")
    assert "确定吗" in dealer.press("确认")
    assert count(uow_factory, SaleRow) == 0
    assert "¥3,500.00" in dealer.say("3500")  # a corrected price, confirmed again
    assert "符合" in dealer.press("确认")
    assert sale(uow_factory) == (2, "3500.00")


def test_a_price_a_little_under_the_floor_is_recorded_without_asking(dealer, uow_factory):
    assert "#1" in dealer.say("/report A100 2 2900 T-0001")  # 3.3% under: not severe


def test_an_english_report_is_asked_in_english(dealer, uow_factory):
    dealer.say("/lang en")
    assert "Are you sure?" in dealer.say("/report A100 2 5 T-0001")
