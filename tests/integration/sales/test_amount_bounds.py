"""Amounts typed in chat beyond what a Numeric(14, 2) column holds get a clear refusal."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from handlers.core.i18n import Translator
from tests.support import Chat, invite, seed_catalog

TOO_BIG = ["1000000000000", "99999999999999999999999", "10000000000000000000000000000000"]


@pytest.fixture
def chats(uow_factory, clock) -> tuple[Chat, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, boss = Chat(conv, "u1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M02')}")
    return dealer, boss


def apologized(chat: Chat) -> bool:
    head = Translator("zh_CN")("error.internal", ref="").split("（")[0]
    return any(r.text.startswith(head) for r in chat.last)


@pytest.mark.parametrize("amount", TOO_BIG)
def test_a_target_beyond_what_the_column_holds_is_refused_and_not_stored(chats, amount):
    _, boss = chats
    assert "无效" in boss.say(f"/target set D001 2026-12 {amount}")
    assert not apologized(boss)
    assert "¥999,999,999,999.99" in boss.say("/target set D001 2026-12 999999999999.99")


@pytest.mark.parametrize("amount", TOO_BIG)
def test_a_price_exception_or_sale_price_beyond_what_the_column_holds_is_refused(chats, amount):
    dealer, boss = chats
    assert "金额过大" in boss.say(f"/exception A100 {amount} D001")
    assert not apologized(boss)
    assert "金额过大" in dealer.say(f"/report A100 1 {amount} T-0001")
    assert not apologized(dealer)
