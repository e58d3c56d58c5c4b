"""Odd input gets a clear, localized answer: never a stack trace, never silence."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from handlers.core.dispatch import MAX_TEXT
from handlers.core.i18n import Translator
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def chat(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "u1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def no_apology(replies) -> None:
    for locale in ("zh_CN", "en"):
        head = Translator(locale)("error.internal", ref="").split("(")[0].split("（")[0]
        assert not any(r.text.startswith(head) for r in replies)
    assert replies and all(r.text.strip() for r in replies)


CASES = [
    ("unknown command", "/frobnicate now", "没有“frobnicate”这个命令", 'no command "frobnicate"'),
    ("typo of a command", "/hlep", "您是不是想用 /help", "Did you mean /help"),
    ("a lone slash", "/", "没有“/”这个命令", 'no command "/"'),
    ("empty", "", "空消息", "empty"),
    ("only spaces and newlines", "  \n\t ", "空消息", "empty"),
    ("only control characters", "\x00\x07\x1b\u200b", "空消息", "empty"),
    ("10,000 characters", "啊" * 10_000, "消息太长（10000 个字符", "too long (10000 characters"),
    ("emoji", "👍🎉🚀", "您好！有什么可以帮您", "Hello! How can I help"),
    ("emoji command", "/👍", "没有“👍”这个命令", 'no command "👍"'),
]


@pytest.mark.parametrize(("what", "text", "zh", "en"), CASES, ids=[c[0] for c in CASES])
def test_odd_text_gets_a_clear_localized_reply(chat, what, text, zh, en):
    chat.send(text)
    no_apology(chat.last)
    assert zh in chat.say(text)
    chat.say("/lang en")
    assert en in chat.say(text)


def test_the_longest_accepted_message_is_not_refused_for_length(chat):
    assert "太长" not in chat.say("啊" * MAX_TEXT)
    assert "太长" in chat.say("啊" * (MAX_TEXT + 1))


def test_control_characters_inside_a_command_are_ignored(chat):
    assert "您可以使用以下命令" in chat.say("/he\x00lp\u200b")
    assert "您可以使用以下命令" in chat.say("\x1b/help\r\n")


PAYLOADS = [
    ("no kind", "x"),
    ("command with nothing", "c:"),
    ("unknown command", "c:nosuch thing"),
    ("unknown kind", "z:help"),
    ("over-long", "c:help " + "x" * 100),
    ("control characters only", "\x00\x01"),
    ("emoji", "🎉"),
]


@pytest.mark.parametrize(("what", "payload"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_malformed_button_payloads_get_a_clear_localized_reply(chat, what, payload):
    chat.send(payload=payload)
    no_apology(chat.last)
    assert "按钮已失效或无法识别" in chat.say(payload=payload)
    chat.say("/lang en")
    assert "no longer valid or was not recognised" in chat.say(payload=payload)


def test_a_form_button_with_no_form_open_says_the_form_is_over(chat):
    assert "已过期或已结束" in chat.say(payload="f:")
    assert "已过期或已结束" in chat.say(payload="f:yes")
    chat.say("/lang en")
    assert "expired or already finished" in chat.say(payload="f:")


def test_an_unlinked_user_gets_the_same_clear_replies(uow_factory, clock):
    seed_catalog(uow_factory)
    stranger = Chat(Conversation(uow_factory, clock), "nobody")
    assert "空消息" in stranger.say("")
    assert "消息太长" in stranger.say("x" * 10_000)
    assert "按钮已失效" in stranger.say(payload="x")
    assert "没有“frobnicate”这个命令" in stranger.say("/frobnicate")
    assert "请先绑定账号" in stranger.say("👍")


def test_a_client_language_hint_chooses_the_language_before_linking(uow_factory, clock):
    from handlers.core.messages import Inbound

    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    replies = conv.handle(Inbound("telegram", "9", "9", text="/help", language_hint="en-US"))
    assert replies[0].text.startswith("Commands you can use")


def test_a_database_failure_is_an_apology_with_a_reference_not_an_exception(clock, caplog):
    def broken_uow():
        raise ConnectionError("database is down")

    chat = Chat(Conversation(broken_uow, clock), "u1")
    reply = chat.say("/help")
    assert "抱歉，处理时出了问题" in reply
    ref = reply.split("编号 ")[1][:8]
    assert ref in caplog.text and "database is down" in caplog.text
