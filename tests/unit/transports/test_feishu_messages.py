"""Feishu events read into what the user did, replies written as messages and cards, and
Feishu's errors mapped to the outbox's."""

from __future__ import annotations

import json

import pytest

from bot.transports.base import PermanentFailure, RetryLater, Undeliverable
from bot.transports.feishu import cards
from bot.transports.feishu.inbound import CARD, MENU, MESSAGE, parse
from bot.transports.feishu.sender import Failure, classify, message_uuid
from handlers.core.messages import Attachment, Button, Reply


def message(msg_type: str, content: dict, chat_type: str = "p2p", sender_type: str = "user"):
    return {
        "schema": "2.0",
        "header": {"event_id": "ev1", "event_type": "im.message.receive_v1", "tenant_key": "tk"},
        "event": {
            "sender": {"sender_id": {"open_id": "ou_1"}, "sender_type": sender_type},
            "message": {
                "message_id": "om_1",
                "chat_type": chat_type,
                "message_type": msg_type,
                "content": json.dumps(content),
            },
        },
    }


def test_a_text_message_is_the_users_text_keyed_by_tenant_and_event():
    event = parse(message("text", {"text": "@_user_1 /report A100 2"}))
    assert event is not None and event.kind == MESSAGE
    assert (event.key, event.user_id, event.chat_id) == ("feishu:tk:ev1", "tk:ou_1", "ou_1")
    assert event.text == "/report A100 2" and event.message_id == "om_1"


def test_a_group_message_is_marked_and_the_bots_own_are_nothing_for_the_bot():
    group = parse(message("text", {"text": "@_user_1 /report A100 2"}, chat_type="group"))
    assert group.in_group and group.text == "" and group.message_id == "om_1"
    assert parse(message("text", {"text": "hi"}, sender_type="app")) is None


def test_images_files_and_rich_text_carry_their_resource():
    image = parse(message("image", {"image_key": "img_1"}))
    assert image.file.key == "img_1" and image.file.kind == "image"
    sheet = parse(message("file", {"file_key": "f_1", "file_name": "sales.xlsx"}))
    assert (sheet.file.kind, sheet.file.name) == ("file", "sales.xlsx")
    post = parse(
        message(
            "post",
            {
                "title": "投诉",
                "content": [
                    [{"tag": "text", "text": "探头坏了"}],
                    [{"tag": "img", "image_key": "i"}],
                ],
            },
        )
    )
    assert post.text == "投诉\n探头坏了" and post.file.key == "i"
    assert parse(message("audio", {"file_key": "a"})).supported is False


def test_a_card_press_carries_the_buttons_payload_label_and_card():
    body = {
        "schema": "2.0",
        "header": {"event_id": "ev2", "event_type": "card.action.trigger", "tenant_key": "tk"},
        "event": {
            "operator": {"open_id": "ou_1", "tenant_key": "tk"},
            "action": {"value": {"p": "f:~s1:yes", "l": "确定"}, "tag": "button"},
            "context": {"open_message_id": "om_card"},
        },
    }
    event = parse(body)
    assert (event.kind, event.payload, event.pressed_label) == (CARD, "f:~s1:yes", "确定")
    assert event.message_id == "om_card" and event.key == "feishu:tk:ev2"


def test_a_press_in_the_older_card_callback_form_is_read_too():
    body = {
        "open_id": "ou_1",
        "tenant_key": "tk",
        "open_message_id": "om_card",
        "token": "c-123",
        "action": {"value": {"p": "c:help", "l": "帮助"}, "tag": "button"},
    }
    event = parse(body, "frame1")
    assert event.kind == CARD and event.payload == "c:help" and event.key == "feishu:tk:card:c-123"


def test_a_bot_menu_click_runs_the_command_named_by_its_key():
    body = {
        "schema": "2.0",
        "header": {"event_id": "ev3", "event_type": "application.bot.menu_v6", "tenant_key": "tk"},
        "event": {"operator": {"operator_id": {"open_id": "ou_1"}}, "event_key": "report"},
    }
    event = parse(body)
    assert event.kind == MENU and event.text == "/report"


def test_a_reply_with_buttons_is_a_shared_card_of_plain_text():
    reply = Reply("*不是* markdown", ((Button("批准", "c:approve 1"), Button("驳回", "c:no 1")),))
    [part] = cards.render(reply)
    card = json.loads(part.content)
    assert part.msg_type == "interactive" and card["config"]["update_multi"] is True
    assert card["elements"][0]["text"] == {"tag": "plain_text", "content": "*不是* markdown"}
    values = [a["value"] for a in card["elements"][1]["actions"]]
    assert values == [{"p": "c:approve 1", "l": "批准"}, {"p": "c:no 1", "l": "驳回"}]


def test_a_long_reply_is_split_and_its_buttons_go_with_the_last_part():
    text = "\n".join("行" * 90 for _ in range(60))
    parts = cards.render(Reply(text, ((Button("好", "c:ok"),),)))
    assert [p.msg_type for p in parts[:-1]] == ["text"] * (len(parts) - 1)
    assert parts[-1].msg_type == "interactive" and len(parts) > 1
    assert "\n".join(p.text for p in parts) == text


def test_a_file_only_reply_has_no_text_message():
    assert cards.render(Reply("", document=Attachment("a.xlsx", b"PK"))) == []


def test_a_pressed_card_keeps_its_text_and_loses_its_buttons():
    card = json.loads(cards.pressed("待您审批", "批准"))
    assert [e["tag"] for e in card["elements"]] == ["div", "note"]
    assert "→ 批准" in json.dumps(card, ensure_ascii=False)


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure(429, 99991400, "too many", 2.5), RetryLater),
        (Failure(400, 99991400, "frequency limited"), RetryLater),
        (Failure(200, 230002, "bot not in chat"), Undeliverable),
        (Failure(400, 230005, ""), Undeliverable),
        (Failure(400, 230017, ""), Undeliverable),
        (Failure(400, 230020, ""), Undeliverable),
        (Failure(503, 0, "unavailable"), RetryLater),
        (Failure(400, 99991663, "token invalid"), RetryLater),
        (Failure(400, 230001, "bad content"), PermanentFailure),
    ],
)
def test_feishus_errors_map_to_the_outboxs(failure, error):
    assert type(classify(failure)) is error


def test_a_rate_limit_waits_for_the_reset_header():
    assert classify(Failure(429, 99991400, "", 2.5)).retry_after == 2.5


def test_a_message_uuid_is_stable_and_fits_feishus_limit():
    key = "violation:12:severe:" + "x" * 80
    assert message_uuid(key) == message_uuid(key) != message_uuid(key + "1")
    assert len(message_uuid(key)) <= 50
