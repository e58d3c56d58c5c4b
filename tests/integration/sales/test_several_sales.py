"""Several sales in one message are never dropped silently: the first is drafted, the
others are named as not recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.core.conversation import Conversation
from storage.sales.models import SaleRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def dealer(uow_factory, clock):
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def test_a_second_sale_in_the_message_is_named_as_not_recorded(dealer, uow_factory):
    card = dealer.say("今天给华西医院卖了20台A100，单价3500元，另外卖了5台X200，单价900")
    assert "2 笔销售" in card and "5台X200" in card and "没有记录" in card
    assert "¥70,000.00" in card  # the first one, drafted on its own
    assert "已记录销售 #1" in dealer.press("确认")
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SaleRow)) == 1


def test_one_sale_whose_price_follows_a_full_stop_is_one_sale(dealer):
    card = dealer.say("给华西医院卖了20台A100。单价3500元")
    assert "笔销售" not in card and "¥70,000.00" in card


def test_english_names_the_second_sale_too(dealer):
    dealer.say("/lang en")
    card = dealer.say("sold 5 A100 to T-0001 at 3500, also sold 2 X200 at 900 to T-0001")
    assert "2 sales" in card and "also sold 2 X200" in card
