"""Slack payloads (slash command, DM event, button press, file) -> what the user did.

Every request gets the dedupe key the core stores with its effect: `slack:<team>:<trigger_id>`
for commands and button presses, `slack:<team>:<event_id>` for events, and
`slack:<team>:file:<file_id>` for an uploaded file, because one upload arrives as two events
(message/file_share and file_shared) that must have one effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.transports.slack.blocks import ACTION_PREFIX, unescape
from handlers.core.messages import Attachment, Inbound

PLATFORM = "slack"
COMMAND = "/dealer"
HANDLED_SUBTYPES = (None, "file_share")  # edits, joins and bot messages are not requests


@dataclass(frozen=True, slots=True)
class Request:
    team: str
    user: str
    key: str
    channel: str = ""  # where it happened
    text: str = ""
    payload: str | None = None
    display_name: str = ""
    response_url: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    pressed_label: str = ""
    message: dict[str, Any] | None = None  # the message whose button was pressed
    in_dm: bool = False  # `channel` is the user's DM with the bot
    language: str | None = None  # the user's Slack locale, e.g. "en-US"

    @property
    def user_id(self) -> str:
        """Workspace identity: the same user id may exist in two workspaces."""
        return f"{self.team}:{self.user}"

    def inbound(self, chat_id: str, *, file: Attachment | None = None, key: str = "") -> Inbound:
        return Inbound(
            PLATFORM,
            chat_id,
            self.user_id,
            text=self.text,
            display_name=self.display_name,
            payload=self.payload,
            file=file,
            dedupe_key=key or self.key,
            language_hint=self.language,
        )


def from_command(body: dict[str, Any]) -> Request:
    team = body.get("team_id", "")
    text = unescape(body.get("text", "")).strip()
    return Request(
        team=team,
        user=body["user_id"],
        key=f"slack:{team}:{body['trigger_id']}",
        channel=body.get("channel_id", ""),
        text=text or "/help",  # a bare `/dealer` shows what this user may do
        display_name=body.get("user_name", ""),
        response_url=body.get("response_url"),
    )


def from_message(body: dict[str, Any]) -> Request | None:
    """A DM to the bot; None for anything else (channels, edits, bots, the bot itself)."""
    event = body.get("event", {})
    if event.get("channel_type") != "im" or event.get("subtype") not in HANDLED_SUBTYPES:
        return None
    if event.get("bot_id") or not event.get("user"):
        return None
    team = event.get("user_team") or body.get("team_id", "")
    return Request(
        team=team,
        user=event["user"],
        key=f"slack:{team}:{body.get('event_id', event.get('client_msg_id', event.get('ts')))}",
        channel=event.get("channel", ""),
        text=unescape(event.get("text", "")).strip(),
        files=list(event.get("files") or []),
        in_dm=True,
    )


def from_file_shared(body: dict[str, Any]) -> Request | None:
    event = body.get("event", {})
    user = event.get("user_id")
    file_id = event.get("file_id") or event.get("file", {}).get("id")
    if not user or not file_id:
        return None
    team = body.get("team_id", "")
    return Request(
        team=team,
        user=user,
        key=f"slack:{team}:{body.get('event_id', file_id)}",
        channel=event.get("channel_id", ""),
        files=[{"id": file_id}],
    )


def from_action(body: dict[str, Any]) -> Request | None:
    actions = [
        a for a in body.get("actions", []) if a.get("action_id", "").startswith(ACTION_PREFIX)
    ]
    if not actions or not body.get("trigger_id"):
        return None
    action = actions[0]
    user = body.get("user", {})
    team = user.get("team_id") or body.get("team", {}).get("id", "")
    container = body.get("container", {})
    return Request(
        team=team,
        user=user["id"],
        key=f"slack:{team}:{body['trigger_id']}",
        channel=container.get("channel_id") or body.get("channel", {}).get("id", ""),
        payload=action.get("value", ""),
        display_name=user.get("username") or user.get("name", ""),
        response_url=body.get("response_url"),
        pressed_label=action.get("text", {}).get("text", ""),
        message=body.get("message"),
    )


def file_key(team: str, file_id: str) -> str:
    return f"slack:{team}:file:{file_id}"
