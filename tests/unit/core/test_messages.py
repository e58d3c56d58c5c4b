"""Message model and parsing: commands, cleaning, button payload limits, serialization."""

from __future__ import annotations

import pytest

from handlers.core.dispatch import clean_text
from handlers.core.messages import (
    MAX_PAYLOAD_BYTES,
    Attachment,
    Button,
    ParsedCommand,
    Reply,
    button_rows,
    parse_command,
)

KNOWN = frozenset({"help", "report"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/help", ParsedCommand("help", (), "")),
        ("/Report A100  20 3500", ParsedCommand("report", ("A100", "20", "3500"), "A100  20 3500")),
        ("report A100 20", ParsedCommand("report", ("A100", "20"), "A100 20")),
        ("／help", ParsedCommand("help", (), "")),  # full-width slash from a Chinese keyboard
        ("/help@dealer_bot", ParsedCommand("help", (), "")),  # Telegram group form
        ("/nosuch x", ParsedCommand("nosuch", ("x",), "x")),  # unknown, but clearly a command
    ],
)
def test_commands_are_parsed_with_or_without_a_slash(text, expected):
    assert parse_command(text, KNOWN) == expected


@pytest.mark.parametrize("text", ["hello there", "reporting is hard", "/", ""])
def test_plain_text_is_not_a_command(text):
    assert parse_command(text, KNOWN) is None


def test_cleaning_drops_control_and_invisible_characters_but_keeps_lines():
    assert clean_text("\x00 /he\u200blp\x07 ") == "/help"
    assert clean_text("第一行\r\n第二行\t!") == "第一行 \n第二行 !"
    assert clean_text("👍 emoji stay") == "👍 emoji stay"
    assert clean_text("\x1b\x00\u202e") == ""


def test_a_button_payload_over_64_bytes_is_refused_when_built():
    Button("ok", "c:" + "x" * (MAX_PAYLOAD_BYTES - 2))
    with pytest.raises(ValueError):
        Button("too long", "c:" + "好" * 22)  # 2 + 66 bytes


def test_a_reply_survives_serialization():
    reply = Reply(
        "文本",
        button_rows(
            [Button("一", "f:1"), Button("二", "f:2"), Button("三", "f:3"), Button("四", "f:4")]
        ),
        image=Attachment("c.png", b"\x89PNG", "image/png"),
        document=Attachment("d.xlsx", b"PK\x03\x04"),
    )
    assert [len(row) for row in reply.buttons] == [3, 1]
    assert Reply.from_dict(reply.to_dict()) == reply
    assert Reply.from_dict(Reply("x").to_dict()) == Reply("x")
