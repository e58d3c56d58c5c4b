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
    """What to say to whom. `payload` is a serialized Reply (handlers.core.messages)."""

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
    first_failed_at: datetime | None = None
    failed_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long a message that keeps failing is tried again, and how often.

    The window runs from the first failure, so a message queued for later is not cut short,
    and one Bot API outage of minutes (or hours) ends in delivery, not in a failed state.
    """

    retry_hours: float = 24.0
    max_backoff_seconds: float = 600.0
    base_seconds: float = 1.0

    def backoff(self, attempts: int) -> timedelta:
        """1 s, 2 s, 4 s ... after `attempts` failed tries, capped at `max_backoff_seconds`."""
        exponent = min(max(0, attempts - 1), 40)  # 2**40 s is past any cap
        return timedelta(seconds=min(self.max_backoff_seconds, self.base_seconds * 2**exponent))

    def next_try(
        self,
        attempts: int,
        first_failed_at: datetime,
        now: datetime,
        retry_after: float | None = None,
    ) -> datetime | None:
        """When to try again, or None when the window is over (the message has failed).

        The last try falls on the window's end, so the window is used in full.
        """
        deadline = first_failed_at + timedelta(hours=self.retry_hours)
        if now >= deadline:
            return None
        wait = timedelta(seconds=retry_after) if retry_after else self.backoff(attempts)
        return min(now + wait, deadline)


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A message that failed for good, with who it was for (a dealer contact or a manager)."""

    id: int
    dedupe_key: str
    platform: str
    chat_id: str
    text: str
    created_at: datetime
    failed_at: datetime
    last_error: str
    dealer_code: str | None = None
    manager_code: str | None = None


def claimable_per_chat(lease_seconds: float, per_chat_interval: float, batch: int) -> int:
    """How many messages of one chat a worker may lease at once.

    At one message per `per_chat_interval` a chat's share of a batch must go out well within
    the lease (half of it), or the lease runs out while they wait and another worker takes
    them over; renewing the lease is the second guard, this the first.
    """
    if per_chat_interval <= 0:
        return batch
    return max(1, min(batch, int(lease_seconds / 2 / per_chat_interval)))
