"""How fast one chat user may send: a token bucket kept as one instant (GCRA).

A bucket holds `burst` messages and refills at `per_minute`. Rather than a token count and
the time it was counted, it keeps the theoretical arrival time (TAT), the instant at which
the bucket is full again: a message is admitted while TAT <= now + (burst - 1) x interval,
and moves TAT to max(TAT, now) + interval. One comparison and one assignment, so a single
UPDATE applies it atomically in the database that every core process shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

NOTICE_WINDOW = timedelta(minutes=1)  # one "slow down" per user per minute; the rest are silent


@dataclass(frozen=True, slots=True)
class RateLimit:
    per_minute: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs per_minute > 0 and burst >= 1")

    @property
    def interval(self) -> timedelta:
        """What one message costs: the time the bucket takes to earn it back."""
        return timedelta(minutes=1) / self.per_minute

    @property
    def allowance(self) -> timedelta:
        return self.interval * (self.burst - 1)


def admit(tat: datetime | None, now: datetime, limit: RateLimit) -> datetime | None:
    """The bucket's new TAT when a message arriving at `now` is admitted, else None."""
    if tat is not None and tat > now + limit.allowance:
        return None
    return max(tat or now, now) + limit.interval


def next_admission(tat: datetime, limit: RateLimit) -> datetime:
    """When a bucket at `tat` admits a message again."""
    return tat - limit.allowance


class RateRepository(Protocol):
    def admit(
        self, platform: str, user_id: str, now: datetime, limit: RateLimit
    ) -> datetime | None:
        """Take one message from the user's bucket: None when admitted, else the instant
        at which the next one will be (nothing taken). Atomic across processes."""
        ...

    def first_notice(self, platform: str, user_id: str, now: datetime) -> bool:
        """Whether this refusal is the first since the last notice's window ended (and if
        so, open a new window of `NOTICE_WINDOW`)."""
        ...
