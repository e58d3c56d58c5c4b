"""Feishu events (schema 2.0 JSON) -> what the user did.

Three events are for the bot: `im.message.receive_v1` (a direct message: text, image, file
or rich text), `card.action.trigger` (a card's button pressed) and
`application.bot.menu_v6` (a bot menu item clicked: its event key is a command name). A
message in a group (where the bot sees only what mentions it) is marked as such: the bot
works in one-to-one chats only. A card
press in the older callback form (no schema, the operator's ids at the top) is read too.
Every event has the dedupe key `feishu:<tenant>:<event_id>`; a user is `<tenant>:<open_id>`
(open ids are per app; the tenant says whose) and is written to by open id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.transports.feishu.cards import LABEL, PAYLOAD
from handlers.core.messages import Attachment, Inbound

PLATFORM = "feishu"
MESSAGE = "im.message.receive_v1"
CARD = "card.action.trigger"
MENU = "application.bot.menu_v6"
_MENTION = re.compile(r"@_user_\d+\s*")


@dataclass(frozen=True, slots=True)
class FileRef:
    message_id: str
    key: str  # image_key or file_key
    kind: str  # "image" or "file" (the resources endpoint's `type`)
    name: str


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # MESSAGE, CARD or MENU
    key: str
    tenant: str
    open_id: str
    text: str = ""
    payload: str | None = None
    pressed_label: str = ""
    message_id: str = ""  # the message sent (MESSAGE) or the card pressed (CARD)
    file: FileRef | None = None
    supported: bool = True  # a message of a kind the bot does not read (audio, sticker...)
    in_group: bool = False  # written in a group chat (the bot was mentioned there)

    @property
    def user_id(self) -> str:
        return f"{self.tenant}:{self.open_id}"

    @property
    def chat_id(self) -> str:
        return self.open_id

    def inbound(self, *, display_name: str = "", file: Attachment | None = None) -> Inbound:
        return Inbound(
            PLATFORM,
            self.chat_id,
            self.user_id,
            text=self.text,
            display_name=display_name,
            payload=self.payload,
            file=file,
            dedupe_key=self.key,
        )


def dedupe_key(tenant: str, event_id: str) -> str:
    return f"{PLATFORM}:{tenant}:{event_id}"


def parse(body: dict[str, Any], fallback_id: str = "") -> Event | None:
    """The event as what the user did; None when it is nothing for the bot."""
    header = body.get("header") or {}
    kind = header.get("event_type")
    if kind is None and "action" in body and "open_id" in body:
        return _old_card(body, fallback_id)
    event = body.get("event") or {}
    tenant = header.get("tenant_key") or ""
    key = dedupe_key(tenant, header.get("event_id") or fallback_id)
    if kind == MESSAGE:
        return _message(event, tenant, key)
    if kind == CARD:
        operator = event.get("operator") or {}
        action = event.get("action") or {}
        context = event.get("context") or {}
        return _press(
            key,
            operator.get("tenant_key") or tenant,
            operator.get("open_id") or "",
            action.get("value"),
            context.get("open_message_id") or "",
        )
    if kind == MENU:
        operator = (event.get("operator") or {}).get("operator_id") or {}
        command = str(event.get("event_key") or "").strip().lstrip("/")
        if not operator.get("open_id") or not command:
            return None
        return Event(MENU, key, tenant, operator["open_id"], text=f"/{command}")
    return None


def _message(event: dict[str, Any], tenant: str, key: str) -> Event | None:
    sender = event.get("sender") or {}
    message = event.get("message") or {}
    open_id = (sender.get("sender_id") or {}).get("open_id")
    if sender.get("sender_type") != "user" or not open_id:
        return None  # the bot itself, or another app
    tenant = sender.get("tenant_key") or tenant
    message_id = message.get("message_id") or ""
    if message.get("chat_type") != "p2p":  # answered with a pointer to the private chat
        return Event(MESSAGE, key, tenant, open_id, message_id=message_id, in_group=True)
    try:
        content = json.loads(message.get("content") or "{}")
    except ValueError:
        content = {}
    kind = message.get("message_type")
    base = {"kind": MESSAGE, "key": key, "tenant": tenant, "open_id": open_id}
    base["message_id"] = message_id
    if kind == "text":
        return Event(**base, text=_MENTION.sub("", str(content.get("text", ""))).strip())
    if kind == "image" and content.get("image_key"):
        ref = FileRef(message_id, content["image_key"], "image", "photo.jpg")
        return Event(**base, file=ref)
    if kind == "file" and content.get("file_key"):
        ref = FileRef(message_id, content["file_key"], "file", content.get("file_name") or "file")
        return Event(**base, file=ref)
    if kind == "post":
        text, ref = _post(content, message_id)
        return Event(**base, text=text, file=ref)
    return Event(**base, supported=False)


def _post(content: dict[str, Any], message_id: str) -> tuple[str, FileRef | None]:
    """A rich-text message: its text, and its first image."""
    lines, ref = [], None
    if content.get("title"):
        lines.append(str(content["title"]))
    for paragraph in content.get("content") or []:
        words = []
        for item in paragraph or []:
            if item.get("tag") in ("text", "a"):
                words.append(str(item.get("text", "")))
            elif item.get("tag") == "img" and ref is None and item.get("image_key"):
                ref = FileRef(message_id, item["image_key"], "image", "photo.jpg")
        lines.append("".join(words))
    return "\n".join(line for line in lines if line.strip()).strip(), ref


def _press(key: str, tenant: str, open_id: str, value: Any, message_id: str) -> Event | None:
    if isinstance(value, str):  # the older form may carry the value as a JSON string
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict) or not isinstance(value.get(PAYLOAD), str) or not open_id:
        return None
    return Event(
        CARD,
        key,
        tenant,
        open_id,
        payload=value[PAYLOAD],
        pressed_label=str(value.get(LABEL, "")),
        message_id=message_id,
    )


def _old_card(body: dict[str, Any], fallback_id: str) -> Event | None:
    tenant = body.get("tenant_key") or ""
    key = dedupe_key(tenant, f"card:{body.get('token') or fallback_id}")
    action = body.get("action") or {}
    return _press(
        key, tenant, body["open_id"], action.get("value"), body.get("open_message_id", "")
    )
