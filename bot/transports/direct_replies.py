"""The answer to an update, sent at once; what the platform cannot take now goes to the outbox.

Every transport sends its direct replies through `DirectReplies.deliver` with a `send` of its
own that raises the outbox's errors (bot/transports/base.py): a reply refused for now (`RetryLater`:
5xx, a timeout, a 429 that outlasted the waits) is queued in the outbox under
`<dedupe_key>:reply:<n>`, and so is every reply after it, so they still arrive in order; the
part of a reply still owed after part of it went out (`PartlyDelivered`) is queued under
`<dedupe_key>:reply:<n>:rest`. A chat that is gone or a request the platform refuses for good
is logged and not queued.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.transports.base import PermanentFailure, RetryLater, SendError, Undeliverable
from domain.shared.clock import Clock
from domain.shared.outbox import OutgoingMessage
from domain.shared.ports import UnitOfWork
from handlers.core.messages import Reply

log = logging.getLogger(__name__)

SendNow = Callable[[Reply], Awaitable[None]]


class PartlyDelivered(SendError):
    """Part of the reply went out; `rest` is what is still owed (sending all would repeat)."""

    def __init__(self, rest: Reply, reason: str = "") -> None:
        super().__init__(reason or "partly delivered")
        self.rest = rest


class DirectReplies:
    def __init__(self, platform: str, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self.platform = platform
        self.uow_factory = uow_factory
        self.clock = clock

    async def deliver(self, chat_id: str, replies: Sequence[Reply], key: str, send: SendNow) -> int:
        """Send each reply now or queue it for `chat_id`; returns how many were queued.

        Raises only when queueing failed (the caller then still owes the replies)."""
        owed: list[tuple[str, Reply]] = []
        for n, reply in enumerate(replies):
            item = f"{key}:reply:{n}"
            if owed:  # an earlier reply waits in the outbox: this one goes after it
                owed.append((item, reply))
                continue
            try:
                await send(reply)
            except PartlyDelivered as exc:
                log.warning("reply %s partly sent; the rest goes to the outbox: %r", item, exc)
                owed.append((f"{item}:rest", exc.rest))
            except RetryLater as exc:
                log.warning("reply %s deferred to the outbox: %r", item, exc)
                owed.append((item, reply))
            except (Undeliverable, PermanentFailure) as exc:
                log.warning("reply %s not delivered: %r", item, exc)
        if owed:
            await asyncio.to_thread(self._enqueue, chat_id, owed)
        return len(owed)

    def _enqueue(self, chat_id: str, owed: list[tuple[str, Reply]]) -> None:
        messages = [
            OutgoingMessage(key, self.platform, chat_id, reply.to_dict()) for key, reply in owed
        ]
        with self.uow_factory() as uow:
            uow.outbox.enqueue_many(messages, self.clock.now())
            uow.commit()
