"""Reply -> Feishu messages: plain text, or an interactive card when there are buttons.

Reply text is platform-neutral plain text: it goes out as a `text` message or in a card's
`plain_text` elements, so nothing the core writes is read as markup. A long text is split
at line ends into several messages; with buttons, the last part carries them. Cards are
sent with `update_multi`, so an update (a decided approval card) is seen by everyone the
card was shown to. A button's value carries the Button payload and its label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from handlers.core.messages import Reply

TEXT_LIMIT = 4000  # characters in one text message (Feishu takes 150 KB; this stays readable)
CARD_TEXT_LIMIT = 2000  # characters in the card that carries buttons
BUTTON_LABEL_LIMIT = 40
PAYLOAD = "p"
LABEL = "l"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message: `msg_type` and its `content` as the im/v1 API takes it (a JSON string)."""

    msg_type: str
    content: str
    text: str = ""  # what it says, kept to redraw a pressed card


def chunks(text: str, size: int) -> list[str]:
    """Split at line ends where possible so no line is broken in two."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > 0 else size
        out.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text or not out:
        out.append(text)
    return out


def text_message(text: str) -> Outgoing:
    return Outgoing("text", json.dumps({"text": text}, ensure_ascii=False), text)


def card(text: str, buttons: tuple = (), footer: str = "") -> dict[str, Any]:
    elements: list[dict[str, Any]] = [
        {"tag": "div", "text": {"tag": "plain_text", "content": text or "…"}}
    ]
    for row in buttons:
        actions = [
            {
                "tag": "button",
                "text": {"tag": "plain_text", "content": b.label[:BUTTON_LABEL_LIMIT]},
                "type": "primary" if i == 0 else "default",
                "value": {PAYLOAD: b.payload, LABEL: b.label[:BUTTON_LABEL_LIMIT]},
            }
            for i, b in enumerate(row)
        ]
        if actions:
            elements.append({"tag": "action", "actions": actions})
    if footer:
        elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": footer}]})
    return {"config": {"wide_screen_mode": True, "update_multi": True}, "elements": elements}


def card_message(text: str, buttons: tuple = (), footer: str = "") -> Outgoing:
    body = card(text, buttons, footer)
    return Outgoing("interactive", json.dumps(body, ensure_ascii=False), text)


def render(reply: Reply) -> list[Outgoing]:
    """The messages that carry the reply's text and buttons (files are sent after them)."""
    text = reply.text.strip()
    if not reply.buttons:
        if not text and (reply.image or reply.document):
            return []
        return [text_message(part) for part in chunks(text or "…", TEXT_LIMIT)]
    parts = chunks(text, CARD_TEXT_LIMIT)
    return [text_message(part) for part in parts[:-1]] + [card_message(parts[-1], reply.buttons)]


def decided(reply: Reply) -> str:
    """The content a pressed card is updated to: the reply, as a card of its own."""
    return json.dumps(card(reply.text.strip()[:CARD_TEXT_LIMIT], reply.buttons), ensure_ascii=False)


def pressed(text: str, label: str) -> str:
    """The pressed card with its buttons taken away and the choice under its text."""
    return json.dumps(card(text, (), f"→ {label}"), ensure_ascii=False)
