"""What every transport implements, and the errors a sender reports to the outbox."""

from __future__ import annotations

from typing import Protocol

from handlers.core.messages import Reply


class Transport(Protocol):
    platform: str

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply; raise a SendError subclass when it did not go out."""
        ...

    async def serve(self) -> None:
        """Receive updates until cancelled."""
        ...


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
