"""Slack payloads in, Block Kit out, Slack errors mapped for the outbox (no network)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.config import ConfigError, SlackSettings
from bot.transports.base import PermanentFailure, RetryLater, Undeliverable
from bot.transports.slack.blocks import SECTION_LIMIT, pressed, render, unescape
from bot.transports.slack.inbound import (
    file_key,
    from_action,
    from_command,
    from_file_shared,
    from_message,
)
from bot.transports.slack.sender import classify
from bot.transports.slack.service import check_settings, parse_listen
from handlers.core.messages import Button, Reply


def test_buttons_become_one_actions_block_per_row_with_the_payload_as_value():
    reply = Reply("选择", ((Button("中文", "c:lang zh"), Button("English", "c:lang en")),))
    message = render(reply)
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert len(actions) == 1
    assert [e["value"] for e in actions[0]["elements"]] == ["c:lang zh", "c:lang en"]
    ids = [e["action_id"] for e in actions[0]["elements"]]
    assert len(set(ids)) == 2 and all(i.startswith("dealerbot:") for i in ids)


def test_reply_text_is_plain_text_and_the_fallback_is_escaped():
    message = render(Reply("A<B & *C*"))
    assert message["blocks"][0]["text"]["text"] == "A<B & *C*"
    assert message["text"] == "A&lt;B &amp; *C*"


def test_a_long_reply_is_split_into_sections_at_line_ends():
    text = "\n".join(f"line {n:05d}" for n in range(1000))
    sections = [b["text"]["text"] for b in render(Reply(text))["blocks"]]
    assert len(sections) > 1
    assert all(len(s) <= SECTION_LIMIT for s in sections)
    assert "\n".join(sections) == text


def test_what_the_user_typed_is_unescaped():
    assert unescape("&lt;3500&gt; &amp; <@U1> <https://x.cn|link>") == "<3500> & U1 link"


def test_pressing_a_button_leaves_the_text_and_shows_the_choice():
    message = render(Reply("选择", ((Button("English", "c:lang en"),),)))
    after = pressed(message, "English")
    assert after is not None
    assert [b["type"] for b in after["blocks"]] == ["section", "context"]
    assert pressed(render(Reply("no buttons")), "x") is None


def test_a_slash_command_has_the_workspace_identity_and_the_trigger_id_key():
    request = from_command(
        {
            "team_id": "T1",
            "user_id": "U7",
            "trigger_id": "123.456",
            "channel_id": "C1",
            "text": "report A100 20 3500",
            "response_url": "https://hooks.slack.com/x",
        }
    )
    inbound = request.inbound("DU7")
    assert (inbound.platform, inbound.chat_id, inbound.user_id) == ("slack", "DU7", "T1:U7")
    assert inbound.dedupe_key == "slack:T1:123.456"
    assert inbound.text == "report A100 20 3500"
    assert from_command({"team_id": "T1", "user_id": "U7", "trigger_id": "t"}).text == "/help"


def test_only_direct_messages_from_people_are_requests():
    def body(**event):
        base = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1"}
        return {"team_id": "T1", "event_id": "Ev1", "event": {**base, **event}}

    assert from_message(body(text="hi")).key == "slack:T1:Ev1"
    assert from_message(body(text="hi", channel_type="channel")) is None
    assert from_message(body(text="hi", subtype="message_changed")) is None
    assert from_message(body(text="hi", bot_id="B1")) is None
    assert from_message(body(text="", subtype="file_share", files=[{"id": "F1"}])).files


def test_a_file_arriving_as_two_events_has_one_key():
    shared = from_file_shared(
        {"team_id": "T1", "event_id": "Ev2", "event": {"file_id": "F1", "user_id": "U1"}}
    )
    assert shared is not None and shared.files == [{"id": "F1"}]
    assert file_key("T1", "F1") == "slack:T1:file:F1"


def test_a_button_press_carries_its_payload_and_trigger_id_key():
    request = from_action(
        {
            "type": "block_actions",
            "trigger_id": "9.9",
            "user": {"id": "U1", "team_id": "T1"},
            "container": {"channel_id": "D1"},
            "actions": [{"action_id": "dealerbot:0:1", "value": "f:yes", "text": {"text": "是"}}],
        }
    )
    assert request is not None
    assert (request.payload, request.key, request.pressed_label) == ("f:yes", "slack:T1:9.9", "是")
    assert from_action({"trigger_id": "1", "actions": [{"action_id": "other"}]}) is None


def _error(status: int, error: str, headers: dict | None = None) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (429, "ratelimited", RetryLater),
        (200, "account_inactive", Undeliverable),
        (200, "channel_not_found", Undeliverable),
        (200, "is_archived", Undeliverable),
        (200, "invalid_blocks", PermanentFailure),
        (200, "msg_too_long", PermanentFailure),
        (500, "internal_error", RetryLater),
        (503, "", RetryLater),
    ],
)
def test_slack_errors_map_to_what_the_outbox_should_do(status, error, expected):
    assert type(classify(_error(status, error))) is expected


def test_a_429_waits_as_long_as_slack_asks():
    mapped = classify(_error(429, "ratelimited", {"Retry-After": "30"}))
    assert isinstance(mapped, RetryLater) and mapped.retry_after == 30.0


def test_slack_settings_name_what_is_missing_for_the_mode():
    token = SecretStr("xoxb-1")
    with pytest.raises(ConfigError, match="signing_secret"):
        check_settings(SlackSettings(bot_token=token))
    with pytest.raises(ConfigError, match="app_token"):
        check_settings(SlackSettings(bot_token=token, mode="socket"))
    check_settings(SlackSettings(bot_token=token, signing_secret=SecretStr("s")))
    assert parse_listen("0.0.0.0:3000") == ("0.0.0.0", 3000)
    assert parse_listen("[::1]:8080") == ("::1", 8080)
