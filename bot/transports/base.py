"""The transport contract every transport implements, and the errors a sender reports.

A transport is an adapter: the platform's updates in as `Inbound`, `Reply` values out. What it
implements is below and nothing else; what every transport shares exists once and is used,
not rewritten: the durable inbox (bot/transports/inbox.py), per-user ordering
(handlers/core/ordering.py `Lanes`), answers sent now or owed to the outbox with repeats
suppressed (bot/transports/direct_replies.py), the outbox dispatcher and its leases
(bot/transports/outbox.py), and the core's exactly-once handling and apology
(handlers/core/conversation.py). tests/unit/transports/test_transport_contract.py checks each
transport.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from handlers.core.messages import Inbound, Reply


class Transport(ABC):
    platform: ClassVar[str]
    # The outbox dispatcher's pace for this platform: messages per second overall (0: no
    # limit) and the seconds between two messages to one chat.
    outbox_rate: ClassVar[float]
    per_chat_interval: ClassVar[float]

    @abstractmethod
    async def run(self, stop: asyncio.Event) -> None:
        """Start, serve updates until `stop` is set, then stop: what is in hand finished or
        left in the inbox for the next start, connections closed."""

    @abstractmethod
    def dedupe_key(self, update: Any) -> str | None:
        """The key under which one platform update is handled once (`<platform>:...`); None
        where the platform never delivers an update twice."""

    @abstractmethod
    def to_inbound(self, update: Any, *args: Any, **kwargs: Any) -> Inbound | None:
        """One platform update as the core's Inbound; None when it is nothing for the bot."""

    @abstractmethod
    def render(self, chat_id: str, reply: Reply) -> Any:
        """One Reply in the platform's form (API calls, blocks, printed text)."""

    @abstractmethod
    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply (the outbox dispatcher's sender); raise a SendError subclass when
        it did not go out: the platform's errors mapped to the three below."""


class SendError(Exception):
    pass


class RetryLater(SendError):
    """Rate limited or a transient failure: try again after `retry_after` seconds."""

    def __init__(self, retry_after: float | None = None, reason: str = "") -> None:
        super().__init__(reason or f"retry after {retry_after}")
        self.retry_after = retry_after


class Undeliverable(SendError):
    """The chat is gone for good (the user blocked the bot, left or was deleted)."""


class PermanentFailure(SendError):
    """The platform refused this message (bad request); retrying will not help."""
