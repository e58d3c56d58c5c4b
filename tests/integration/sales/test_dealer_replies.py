"""Replies a dealer reads name only what a dealer can do."""

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


def test_ack_without_a_number_shows_the_ack_example_not_a_managers_promo_command(dealer):
    for text in ("/ack", "/ack abc"):
        reply = dealer.say(text)
        assert "/ack 12" in reply and "/promo" not in reply
    dealer.say("/lang en")
    reply = dealer.say("/ack abc")
    assert "/ack 12" in reply and "/promo" not in reply


def test_a_sale_sentence_without_a_price_asks_for_the_price_instead_of_quoting_a_clause(dealer):
    for text in ("卖了5台A100给华西医院", "今天卖了5台A100"):
        reply = dealer.say(text)
        assert "没有写单价" in reply and "《" not in reply
    assert "草稿" in dealer.say("卖了5台A100给华西医院，单价3500")
    assert "没有写单价" not in dealer.say("卖了5台A100会违规吗？")
    dealer.say("/lang en")
    assert "without a price" in dealer.say("sold 5 A100 to T-0001")
