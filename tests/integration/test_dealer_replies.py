"""Replies a dealer reads name only what a dealer can do."""

from __future__ import annotations

import pytest

from handlers.conversation import Conversation
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
