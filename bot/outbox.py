"""Outbox dispatcher: delivers queued proactive messages through one platform's transport.

Limits: `rate` messages/s overall (a token bucket) and one message per `per_chat_interval`
seconds to the same chat. 429s wait their `retry_after`; other transient errors back off
exponentially; a blocked chat is marked undeliverable. A message is leased before sending
and marked sent right after, so a crash re-sends at most the message in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiolimiter import AsyncLimiter

from bot.transport import PermanentFailure, RetryLater, Undeliverable
from domain.clock import Clock
from domain.outbox import MAX_ATTEMPTS, OutboxItem, OutboxStatus, backoff
from domain.ports import UnitOfWork
from handlers.messages import Reply

log = logging.getLogger(__name__)

Sender = Callable[[str, Reply], Awaitable[None]]


class OutboxDispatcher:
    def __init__(
        self,
        platform: str,
        send: Sender,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        rate: float = 30.0,
        per_chat_interval: float = 1.0,
        batch: int = 100,
        idle_sleep: float = 0.5,
        concurrency: int = 32,
        chat_id: str | None = None,
    ) -> None:
        self.platform = platform
        self.chat_id = chat_id  # a console dispatcher serves only its own user
        self._send = send
        self.uow_factory = uow_factory
        self.clock = clock
        self.limiter = AsyncLimiter(max(1.0, rate), 1.0) if rate else None
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.batch = batch
        self.idle_sleep = idle_sleep
        self.worker = f"{platform}-{uuid.uuid4().hex[:8]}"
        self._chat_next: dict[str, float] = {}
        self._sem = asyncio.Semaphore(concurrency)
        self.sent = 0
        self.retried = 0

    def _claim(self) -> list[OutboxItem]:
        now = self.clock.now()
        with self.uow_factory() as uow:
            if not uow.outbox.any_due(self.platform, now, chat_id=self.chat_id):
                return []  # the idle poll: a read, no write lock taken
        with self.uow_factory() as uow:
            items = uow.outbox.claim_due(
                self.platform, now, self.batch, self.worker, chat_id=self.chat_id
            )
            uow.commit()
            return items

    def _finish(self, item: OutboxItem, error: Exception | None) -> None:
        now = self.clock.now()
        with self.uow_factory() as uow:
            if error is None:
                uow.outbox.mark_sent(item.id, now)
            elif isinstance(error, Undeliverable):
                uow.outbox.mark_final(item.id, OutboxStatus.UNDELIVERABLE, str(error))
                uow.identities.set_undeliverable(item.platform, item.chat_id)
            elif isinstance(error, PermanentFailure) or item.attempts >= MAX_ATTEMPTS:
                uow.outbox.mark_final(item.id, OutboxStatus.FAILED, str(error))
            else:
                wait = (
                    timedelta(seconds=error.retry_after)
                    if isinstance(error, RetryLater) and error.retry_after
                    else backoff(item.attempts)
                )
                uow.outbox.mark_retry(item.id, now + wait, str(error) or type(error).__name__)
            uow.commit()

    async def _deliver(self, item: OutboxItem) -> None:
        async with self._sem:
            # One message per chat per interval: wait for this chat's slot.
            slot = self._chat_next.get(item.chat_id, 0.0)
            now = time.monotonic()
            self._chat_next[item.chat_id] = max(now, slot) + self.per_chat_interval
            if slot > now:
                await asyncio.sleep(slot - now)
            if self.limiter is not None:
                await self.limiter.acquire()
            error: Exception | None = None
            try:
                await self._send(item.chat_id, Reply.from_dict(item.payload))
            except RetryLater as exc:
                self.retried += 1
                if exc.retry_after:  # the platform told us to slow this chat down
                    self._chat_next[item.chat_id] = time.monotonic() + exc.retry_after
                error = exc
            except (Undeliverable, PermanentFailure) as exc:
                error = exc
            except Exception as exc:  # network and unknown errors: retry with backoff
                log.warning("outbox send failed id=%s: %r", item.id, exc)
                error = exc
            await asyncio.to_thread(self._finish, item, error)
            if error is None:
                self.sent += 1

    async def drain_once(self) -> int:
        """Deliver what is due now; returns how many messages were attempted."""
        items = await asyncio.to_thread(self._claim)
        if items:
            tasks = [asyncio.create_task(self._deliver(i)) for i in items]
            try:
                await asyncio.gather(*tasks)
            except BaseException:
                # Cancelled or dying: stop the other sends too, so nothing leased by this
                # worker goes out after another worker takes its expired lease over.
                for task in tasks:
                    task.cancel()
                raise
        return len(items)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                count = await self.drain_once()
            except Exception:
                log.exception("outbox dispatcher %s loop error", self.platform)
                count = 0
            if count == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_sleep)
