"""Record numbers typed by users: a number no record can have, or a digit that is not 0-9,
reads as "not found" (or the usage line), never as an apology."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from handlers.core.i18n import Translator
from tests.support import Chat, invite, seed_catalog

HUGE = "99999999999999999999"  # beyond SQLite's INTEGER
BEYOND_INT4 = "3000000000"  # beyond PostgreSQL's INTEGER


@pytest.fixture
def chats(uow_factory, clock) -> tuple[Chat, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, boss = Chat(conv, "u1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M02')}")
    return dealer, boss


def no_apology(chat: Chat) -> None:
    head = Translator("zh_CN")("error.internal", ref="").split("（")[0]
    assert chat.last and not any(r.text.startswith(head) for r in chat.last), chat.last


DEALER_LINES = [
    "/withdraw {n}",
    "/correct {n} 1 3500",
    "/draft {n} ok",
    "/ack {n}",
    "/rate {n} up",
    "/clause {n} 1",
    "/clause 1 {n}",
    "/ticket {n}",
]
MANAGER_LINES = [
    "/violation {n}",
    "/violation {n} confirm",
    "/promo {n}",
    "/promo send {n}",
    "/promo edit {n} title x",
    "/promo remind {n}",
    "/answer {n} 可以",
    "/faq {n}",
    "/ticket {n} close",
]


@pytest.mark.parametrize("n", [HUGE, BEYOND_INT4, "²", "#³"])
def test_a_record_number_no_record_can_have_is_answered_without_an_apology(chats, n):
    dealer, boss = chats
    for line in DEALER_LINES:
        dealer.say(line.format(n=n))
        no_apology(dealer)
    for line in MANAGER_LINES:
        boss.say(line.format(n=n))
        no_apology(boss)


def test_a_superscript_digit_answering_the_complaint_category_is_asked_again(chats):
    dealer, _ = chats
    dealer.say("/complaint")
    dealer.say("²")
    no_apology(dealer)
    assert dealer.buttons()  # still asking for the category


def test_a_full_width_record_number_still_finds_the_record(chats):
    dealer, _ = chats
    assert "#1" in dealer.say("/report A100 2 3500 T-0001")
    assert "撤回" in dealer.say("/withdraw １")
