"""Greetings, fillers, emoji and a bare number are answered with a short hello and the menu:
never a policy clause, never a question forwarded to a manager."""

from __future__ import annotations

from bot.policy_files import load_policy_files, sample_policy_files
from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog

FILLERS = ("在吗", "你好", "好的", "收到", "谢谢", "👍", "🙂🙂", "ok", "OK!", "thanks", "42")


def test_fillers_get_a_friendly_answer_and_the_menu_not_a_clause_or_a_forward(uow_factory, clock):
    seed_catalog(uow_factory)
    load_policy_files(uow_factory, sample_policy_files(), clock)
    chat = Chat(Conversation(uow_factory, clock), "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    for text in FILLERS:
        reply = chat.say(text)
        assert "第" not in reply and "Q1" not in reply and "不太确定" not in reply, (text, reply)
        assert "/report" in reply and "/help" in reply, (text, reply)
    with uow_factory() as uow:
        assert uow.policy.open_questions(None) == []
        assert [i for i in uow.outbox.list() if i.chat_id != "d1"] == []
