"""Outbox dispatcher: delivers queued proactive messages through one platform's transport.

Limits: `rate` messages/s overall (a token bucket, per process) and one message per
`per_chat_interval` seconds to the same chat, across every worker on the database: a worker
takes the chat's turn in the database (`outbox_chats`) before each send and, when the send
is over, sets the next turn `per_chat_interval` after the moment the send began. 429s wait
their `retry_after`; other transient errors back off exponentially for the retry window
(`RetryPolicy`); a blocked chat is marked undeliverable.

Leases: a worker leases at most what it can send to a chat within half the lease, renews
its leases while it sends, and right before each send checks the message is still its own
(a compare-and-set on the lease holder), so a message is sent by one worker only. A crash
re-sends at most the message in flight.

While a send runs, `SENDING` holds the message's outbox key, for a platform that takes an
idempotency key with each message (Feishu's `uuid`): a send repeated after a crash is then
the same message to the platform, not a second one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from aiolimiter import AsyncLimiter

from bot.config import Settings
from bot.transports.base import PermanentFailure, RetryLater, Undeliverable
from domain.shared.clock import Clock, SystemClock
from domain.shared.outbox import OutboxItem, OutboxStatus, RetryPolicy, claimable_per_chat
from domain.shared.ports import UnitOfWork
from handlers.core.messages import Reply

log = logging.getLogger(__name__)

Sender = Callable[[str, Reply], Awaitable[None]]
LOST = -1.0  # `_take_turn`: the message is no longer this worker's
SENDING: ContextVar[str | None] = ContextVar("outbox_sending", default=None)


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
        worker: str | None = None,
        lease_seconds: float = 60.0,
        retry: RetryPolicy | None = None,
        pace_clock: Clock | None = None,
    ) -> None:
        self.platform = platform
        self.chat_id = chat_id  # a console dispatcher serves only its own user
        self._send = send
        self.uow_factory = uow_factory
        self.clock = clock  # leases, retries and the sent time
        # Chat turns are physical time shared by every worker: the wall clock, also when a
        # test holds `clock` still.
        self.pace_clock = pace_clock or SystemClock()
        self.limiter = AsyncLimiter(max(1.0, rate), 1.0) if rate else None
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.batch = batch
        self.idle_sleep = idle_sleep
        self.worker = worker or f"{platform}-{uuid.uuid4().hex[:8]}"
        self._renew_lock = threading.Lock()
        self._in_flight: set[asyncio.Future] = set()  # database work of this worker's sends
        self._keeping = False  # a drain is under way: its leases are renewed
        self.lease = timedelta(seconds=lease_seconds)
        self.per_chat = claimable_per_chat(lease_seconds, per_chat_interval, batch)
        self.retry = retry or RetryPolicy()
        self._sem = asyncio.Semaphore(concurrency)
        self.sent = 0
        self.retried = 0
        self.lost = 0  # messages another worker took over before this one sent them

    # -- database steps (run in a thread) ------------------------------------------------

    def _claim(self) -> list[OutboxItem]:
        now = self.clock.now()
        with self.uow_factory() as uow:
            if not uow.outbox.any_due(self.platform, now, chat_id=self.chat_id, worker=self.worker):
                return []  # the idle poll: a read, no write lock taken
        with self.uow_factory() as uow:
            items = uow.outbox.claim_due(
                self.platform,
                now,
                self.batch,
                self.worker,
                lease_seconds=self.lease.total_seconds(),
                chat_id=self.chat_id,
                per_chat=self.per_chat,
            )
            uow.commit()
            return items

    def _renew(self) -> None:
        # Under the lock, so that once a drain has ended (or died) no renewal still in a
        # thread can extend a lease another worker is about to take over.
        with self._renew_lock:
            if not self._keeping:
                return
            with self.uow_factory() as uow:
                uow.outbox.renew(self.worker, self.clock.now() + self.lease)
                uow.commit()

    def _stop_keeping(self) -> None:
        with self._renew_lock:
            self._keeping = False

    def _take_turn(self, item: OutboxItem) -> float:
        """0 to send now, seconds to wait for the chat's turn, or LOST."""
        with self.uow_factory() as uow:
            if not uow.outbox.hold(item.id, self.worker, self.clock.now() + self.lease):
                return LOST
            free_at = None
            if self.per_chat_interval > 0:
                now = self.pace_clock.now()  # held until `_finish` ends the turn
                free_at = uow.outbox.take_turn(item.platform, item.chat_id, now, now + self.lease)
            uow.commit()
        if free_at is None:
            return 0.0
        return max(0.001, (free_at - now).total_seconds())

    def _finish(self, item: OutboxItem, error: Exception | None, began: datetime) -> None:
        now = self.clock.now()
        with self.uow_factory() as uow:
            if self.per_chat_interval > 0:
                next_turn = began + timedelta(seconds=self.per_chat_interval)
                if isinstance(error, RetryLater) and error.retry_after:
                    # The platform told us to slow this chat down: every worker waits.
                    next_turn = self.pace_clock.now() + timedelta(seconds=error.retry_after)
                uow.outbox.end_turn(item.platform, item.chat_id, next_turn)
            if error is None:
                uow.outbox.mark_sent(item.id, now)
            elif isinstance(error, Undeliverable):
                uow.outbox.mark_final(item.id, OutboxStatus.UNDELIVERABLE, str(error), now)
                uow.identities.set_undeliverable(item.platform, item.chat_id)
            else:
                retry_after = error.retry_after if isinstance(error, RetryLater) else None
                at = None
                if not isinstance(error, PermanentFailure):
                    first = item.first_failed_at or now
                    at = self.retry.next_try(item.attempts, first, now, retry_after)
                message = str(error) or type(error).__name__
                if at is None:
                    uow.outbox.mark_final(item.id, OutboxStatus.FAILED, message, now)
                else:
                    uow.outbox.mark_retry(item.id, at, message, now)
            uow.commit()

    # -- sending -------------------------------------------------------------------------

    async def _deliver(self, item: OutboxItem) -> bool:
        """Send one message when the chat's turn comes; False when it was not ours to send."""
        while True:
            async with self._sem:
                if self.limiter is not None:
                    await self.limiter.acquire()
                wait = await self._in_thread(self._take_turn, item)
                if wait == LOST:
                    self.lost += 1
                    log.info("outbox %s: message %s was taken over", self.worker, item.id)
                    return False
                if wait == 0:
                    began = self.pace_clock.now()
                    error = await self._attempt(item)
                    break
            await asyncio.sleep(wait)
        await self._in_thread(self._finish, item, error, began)
        if error is None:
            self.sent += 1
        return error is None

    async def _attempt(self, item: OutboxItem) -> Exception | None:
        token = SENDING.set(item.dedupe_key or f"outbox:{item.id}")
        try:
            await self._send(item.chat_id, Reply.from_dict(item.payload))
        except RetryLater as exc:
            self.retried += 1
            return exc
        except (Undeliverable, PermanentFailure) as exc:
            return exc
        except Exception as exc:  # network and unknown errors: retry with backoff
            log.warning("outbox send failed id=%s: %r", item.id, exc)
            return exc
        finally:
            SENDING.reset(token)
        return None

    async def _deliver_chat(self, items: list[OutboxItem]) -> None:
        """One chat's messages in order; after a failure the rest wait for their retry."""
        for n, item in enumerate(items):
            if not await self._deliver(item) and n + 1 < len(items):
                await self._in_thread(self._release, items[n + 1 :])
                return

    def _release(self, items: list[OutboxItem]) -> None:
        # Back to pending, as due as they were, without counting a failure: the chat is
        # not this worker's to serve now (a failed send, or another worker took over).
        with self.uow_factory() as uow:
            for item in items:
                if uow.outbox.hold(item.id, self.worker, self.clock.now()):
                    uow.outbox.mark_retry(item.id, item.not_before, item.last_error)
            uow.commit()

    async def _in_thread(self, func, *args):
        """`func(*args)` in a worker thread, tracked: a drain that dies waits for the
        database work already under way, so none of it (a lease extended by `hold`) lands
        after another worker was told it may take those messages over."""
        work = asyncio.ensure_future(asyncio.to_thread(func, *args))
        self._in_flight.add(work)
        work.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(work)

    async def _keep_leases(self) -> None:
        pause = self.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(pause)
            try:
                await asyncio.to_thread(self._renew)
            except Exception:
                log.exception("outbox %s: renewing leases failed", self.worker)

    async def drain_once(self) -> int:
        """Deliver what is due now; returns how many messages were attempted."""
        items = await asyncio.to_thread(self._claim)
        if not items:
            return 0
        by_chat = [
            list(group)
            for _, group in groupby(sorted(items, key=lambda i: i.chat_id), lambda i: i.chat_id)
        ]
        tasks = [asyncio.create_task(self._deliver_chat(chat)) for chat in by_chat]
        self._keeping = True
        keeper = asyncio.create_task(self._keep_leases())
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # Cancelled or dying: stop the other sends too, so nothing leased by this
            # worker goes out after another worker takes its expired lease over.
            for task in tasks:
                task.cancel()
            if self._in_flight:
                await asyncio.wait(set(self._in_flight))
            raise
        finally:
            keeper.cancel()
            self._stop_keeping()  # waits for a renewal already under way (one commit)
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


def outbox_options(settings: Settings) -> dict[str, Any]:
    """The dispatcher's options from the `[outbox]` config section."""
    o = settings.outbox
    return {
        "retry": RetryPolicy(o.retry_hours, o.max_backoff_seconds),
        "lease_seconds": o.lease_seconds,
    }
