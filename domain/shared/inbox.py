"""The inbox: updates stored before the platform is told they arrived, answered from there.

A transport stores each raw update with its dedupe key before acknowledging it (the next
`getUpdates` offset, the webhook's 200, Slack's ack), so a crash loses nothing the platform
will not deliver again. A row is leased to the process answering it; the core marks it
handled in the transaction of its effect (`InboundRepository.remember`), the transport marks
it done once its replies went out (or to the outbox). Rows whose lease ran out (their
process died) are answered by whoever starts or is still running, oldest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class InboxEntry:
    key: str  # the update's dedupe key, unique
    platform: str
    lane: str  # the sender, whose updates are answered in arrival order
    payload: dict[str, Any]  # the raw update, enough to handle it again after a crash


class InboxRepository(Protocol):
    def receive(
        self, entries: Sequence[InboxEntry], owner: str, now: datetime, lease_until: datetime
    ) -> set[str]:
        """Store the entries whose key is new, leased to `owner`; returns their keys."""
        ...

    def claim_abandoned(
        self, platform: str, owner: str, now: datetime, lease_until: datetime
    ) -> list[InboxEntry]:
        """Lease to `owner` the rows not done whose lease ran out, in arrival order."""
        ...

    def renew(self, owner: str, lease_until: datetime) -> None:
        """Extend the lease of every row `owner` holds and has not finished."""
        ...

    def mark_done(self, keys: Sequence[str], at: datetime) -> None:
        """Their replies went out (or to the outbox): nothing is owed for them any more."""
        ...

    def forget_before(self, cutoff: datetime) -> int:
        """Drop rows received before `cutoff`; returns how many."""
        ...
