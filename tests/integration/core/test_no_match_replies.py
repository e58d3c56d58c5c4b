"""When nothing at all matches a product or terminal, the reply says so plainly (no "close
matches: -") and points to the command in use."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def dealer(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "u1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def test_a_form_answer_matching_nothing_says_not_found_instead_of_an_empty_close_list(dealer):
    dealer.say("/report")
    reply = dealer.say("QQQ")
    assert "找不到产品“QQQ”" in reply and "：-" not in reply
    dealer.say("A100")
    dealer.say("2")
    dealer.say("3500")
    reply = dealer.say("QQQ")
    assert "找不到终端“QQQ”" in reply and "：-" not in reply
    dealer.say("/stock")
    reply = dealer.say("QQQ")
    assert "找不到产品“QQQ”" in reply and "：-" not in reply
    dealer.say("/lang en")
    dealer.say("/report")
    reply = dealer.say("QQQ")
    assert 'No product matches "QQQ"' in reply and ": -" not in reply


def test_stock_for_an_unknown_product_points_to_stock_and_correct_to_an_unknown_terminal(dealer):
    reply = dealer.say("/stock QQQ 3")
    assert "/stock" in reply and "/report" not in reply
    dealer.say("/report A100 2 3500 T-0001")
    reply = dealer.say("/correct 1 2 3500 QQQ")
    assert "找不到终端“QQQ”" in reply and "：-" not in reply
