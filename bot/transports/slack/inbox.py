"""Slack requests as inbox rows and back: the raw body with its kind, keyed and laned."""

from __future__ import annotations

from typing import Any

from bot.transports.slack.inbound import (
    PLATFORM,
    Request,
    from_action,
    from_command,
    from_file_shared,
    from_message,
)
from domain.shared.inbox import InboxEntry

COMMAND_KIND = "command"
ACTION = "action"
MESSAGE = "message"
FILE_SHARED = "file_shared"
_PARSERS = {
    COMMAND_KIND: from_command,
    ACTION: from_action,
    MESSAGE: from_message,
    FILE_SHARED: from_file_shared,
}


def request_of(kind: str, body: dict[str, Any]) -> Request | None:
    """What the user did, or None when the body is nothing for the bot."""
    return _PARSERS[kind](body)


def entry(kind: str, body: dict[str, Any], request: Request) -> InboxEntry:
    """The inbox row of a request: enough to parse it again after a restart."""
    return InboxEntry(request.key, PLATFORM, request.user_id, {"kind": kind, "body": body})
