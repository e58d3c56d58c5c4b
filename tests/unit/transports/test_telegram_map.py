"""Telegram <-> neutral message mapping, without a server."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.transports.base import PermanentFailure, RetryLater, Undeliverable
from bot.transports.telegram.mapping import (
    MAX_TEXT,
    as_send_error,
    dedupe_key,
    file_ref,
    keyboard,
    menus,
    private_chat_id,
    split_text,
    to_inbound,
)
from handlers.core.messages import Button, button_rows
from tests.support import ROUTER

USER = {"id": 42, "is_bot": False, "first_name": "Li", "last_name": "Lei", "language_code": "en"}
CHAT = {"id": 42, "type": "private"}


def update(**body) -> Update:
    return Update.de_json({"update_id": 7, **body}, None)


def message(**content) -> dict:
    return {"message_id": 1, "date": 0, "chat": CHAT, "from": USER, **content}


def test_a_deep_link_arrives_as_a_start_command_with_its_code_and_a_dedupe_key():
    inbound = to_inbound(update(message=message(text="/start K7PQ2MXA")), bot_id=99)
    assert inbound is not None
    assert (inbound.platform, inbound.chat_id, inbound.user_id) == ("telegram", "42", "42")
    assert inbound.text == "/start K7PQ2MXA"
    assert inbound.dedupe_key == "tg:99:7" == dedupe_key(99, 7)
    assert inbound.display_name == "Li Lei"
    assert inbound.language_hint == "en"


def test_a_button_press_carries_its_payload():
    press = {"id": "1", "from": USER, "chat_instance": "x", "data": "c:lang en"}
    press["message"] = message(text="?")
    inbound = to_inbound(update(callback_query=press), bot_id=99)
    assert inbound is not None and inbound.payload == "c:lang en"


def test_a_document_is_a_file_to_download_and_the_largest_photo_wins():
    doc = {"file_id": "F1", "file_unique_id": "U1", "file_name": "s.xlsx", "file_size": 10}
    ref = file_ref(update(message=message(document=doc)))
    assert ref is not None and (ref.file_id, ref.filename, ref.size) == ("F1", "s.xlsx", 10)
    small = {"file_id": "P1", "file_unique_id": "a", "width": 90, "height": 90}
    large = {"file_id": "P2", "file_unique_id": "b", "width": 800, "height": 600}
    ref = file_ref(update(message=message(photo=[small, large])))
    assert ref is not None and ref.file_id == "P2"


def test_edited_messages_and_bots_are_ignored():
    assert to_inbound(update(edited_message=message(text="x", edit_date=1)), 1) is None
    bot_user = {**USER, "is_bot": True}
    assert to_inbound(update(message=message(text="x", **{"from": bot_user})), 1) is None


def test_buttons_become_an_inline_keyboard_with_the_same_payloads():
    markup = keyboard(button_rows([Button("中文", "c:lang zh"), Button("English", "c:lang en")]))
    assert markup is not None
    row = markup.inline_keyboard[0]
    assert [(b.text, b.callback_data) for b in row] == [
        ("中文", "c:lang zh"),
        ("English", "c:lang en"),
    ]
    assert keyboard(()) is None


def test_long_text_is_split_under_the_limit_at_line_breaks():
    text = "\n".join(f"line {n:05d} " + "x" * 80 for n in range(200))
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_TEXT for p in pieces)
    assert "\n".join(pieces) == text


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
def test_bot_api_errors_map_to_what_the_outbox_does_next():
    retry = as_send_error(RetryAfter(dt.timedelta(seconds=3)))
    assert isinstance(retry, RetryLater) and retry.retry_after == 3
    assert isinstance(as_send_error(Forbidden("bot was blocked by the user")), Undeliverable)
    assert isinstance(as_send_error(BadRequest("chat not found")), PermanentFailure)
    timed_out = as_send_error(TimedOut())
    assert isinstance(timed_out, RetryLater) and timed_out.retry_after is None
    assert isinstance(as_send_error(NetworkError("reset")), RetryLater)


def test_the_menu_has_every_command_in_both_languages():
    by_language = dict(menus(ROUTER, "zh_CN"))
    assert set(by_language) == {None, "zh", "en"}
    en = {c.command: c.description for c in by_language["en"]}
    zh = {c.command: c.description for c in by_language["zh"]}
    assert "help" in en and "help" in zh and en["help"] != zh["help"]
    assert by_language[None] == by_language["zh"]


@pytest.mark.parametrize("kind", ["group", "supergroup", "channel"])
def test_a_message_in_a_group_never_becomes_an_inbound(kind):
    group = {"id": -1001234, "type": kind, "title": "Sales"}
    sent = update(message={**message(text="/dealer D001"), "chat": group})
    assert to_inbound(sent, bot_id=99) is None


def test_a_group_chat_id_is_undeliverable_and_a_private_one_passes():
    with pytest.raises(Undeliverable):
        private_chat_id("-1001234")
    assert private_chat_id("42") == "42"
