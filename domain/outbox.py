"""Proactive messages: produced once (by dedupe key), delivered by a platform dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after retries
    UNDELIVERABLE = "undeliverable"  # the user blocked the bot or left


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What to say to whom. `payload` is a serialized Reply (handlers.messages)."""

    dedupe_key: str
    platform: str
    chat_id: str
    payload: dict[str, Any]
    identity_id: int | None = None
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    dedupe_key: str
    platform: str
    chat_id: str
    payload: dict[str, Any]
    status: OutboxStatus
    attempts: int
    created_at: datetime
    not_before: datetime
    sent_at: datetime | None = None
    last_error: str = ""
    identity_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


MAX_ATTEMPTS = 8


def backoff(attempts: int, *, base: float = 1.0, cap: float = 300.0) -> timedelta:
    """Exponential backoff after `attempts` failed tries: 1 s, 2 s, 4 s ... capped at 5 min."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))
