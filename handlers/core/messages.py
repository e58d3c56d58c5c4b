"""Platform-neutral messages: what a transport hands in (Inbound) and sends out (Reply)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit; every platform gets the same


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime: str = "application/octet-stream"

    def to_dict(self, *, content: bool = True) -> dict[str, Any]:
        """With `content=False` only the name, type and size: the bytes are made again."""
        data: dict[str, Any] = {"filename": self.filename, "mime": self.mime}
        if content:
            data["content"] = base64.b64encode(self.content).decode("ascii")
        else:
            data["size"] = len(self.content)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        raw = data.get("content")
        return cls(data["filename"], base64.b64decode(raw) if raw else b"", data.get("mime", ""))

    @property
    def held(self) -> bool:
        """Whether the bytes are here (an attachment read back by name only has none)."""
        return bool(self.content)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str  # "c:<command line>" runs a command, "f:[~tag:]<value>" answers the open form

    def __post_init__(self) -> None:
        if len(self.payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: Attachment | None = None
    document: Attachment | None = None
    # This reply takes the place of the message whose button was pressed (a decided approval
    # card shows who decided, when and why, with no buttons left, for everyone who sees it).
    # A transport that cannot edit that message, or a reply not answering a press, sends it
    # as a new message.
    replaces_pressed: bool = False

    def to_dict(self, *, attachments: bool = True) -> dict[str, Any]:
        """`attachments=False` keeps images and documents by name only (see `Attachment`)."""
        data: dict[str, Any] = {"text": self.text}
        if self.replaces_pressed:
            data["replaces_pressed"] = True
        if self.buttons:
            data["buttons"] = [[[b.label, b.payload] for b in row] for row in self.buttons]
        if self.image:
            data["image"] = self.image.to_dict(content=attachments)
        if self.document:
            data["document"] = self.document.to_dict(content=attachments)
        return data

    @property
    def attachments_held(self) -> bool:
        return all(a.held for a in (self.image, self.document) if a is not None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        return cls(
            text=data.get("text", ""),
            buttons=tuple(
                tuple(Button(label, payload) for label, payload in row)
                for row in data.get("buttons", [])
            ),
            image=Attachment.from_dict(data["image"]) if data.get("image") else None,
            document=Attachment.from_dict(data["document"]) if data.get("document") else None,
            replaces_pressed=bool(data.get("replaces_pressed")),
        )


def button_rows(buttons: list[Button], per_row: int = 3) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a user did: a command, plain text, a button press or a file."""

    platform: str
    chat_id: str
    user_id: str
    text: str = ""
    display_name: str = ""
    payload: str | None = None  # button payload, when a button was pressed
    file: Attachment | None = None
    dedupe_key: str | None = None
    language_hint: str | None = None  # the client's language code, e.g. "en-US"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    args: tuple[str, ...]
    rest: str  # everything after the command word, untouched


def parse_command(text: str, known: set[str] | frozenset[str]) -> ParsedCommand | None:
    """`/report A100 2 3` or `report A100 2 3` (when `report` is a known command)."""
    stripped = text.strip()
    slash = stripped.startswith(("/", "／"))
    body = stripped[1:] if slash else stripped
    if not body:
        return None
    word, _, rest = body.partition(" ")
    name = word.split("@", 1)[0].lower()  # Telegram group form: /help@dealer_bot
    if not slash and name not in known:
        return None
    return ParsedCommand(name, tuple(rest.split()), rest.strip())
