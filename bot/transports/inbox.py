"""A transport's side of the inbox (domain/shared/inbox.py): store before acknowledging, answer from
the table, mark done after the replies, and pick up what a dead process left.

`receive` stores a batch of raw updates in one transaction and says which were new; only
those are answered (a redelivery of a stored update is the inbox's already). `done` is
called once an update's replies went out or were handed to the outbox. `run` keeps this
process's leases alive and hands `on_abandoned` the rows whose lease ran out (the previous
process crashed, or another worker did), oldest first; `recover` does the same once, at
start, before new updates are taken.

A receipt can go out twice only when the process dies between sending it and `done`
committing (one UPDATE after the last reply of an update, shared by the updates that
finished meanwhile): the next start sends the stored replies again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from domain.shared.clock import Clock
from domain.shared.inbox import InboxEntry
from domain.shared.ports import UnitOfWork

log = logging.getLogger(__name__)

OnAbandoned = Callable[[list[InboxEntry]], Awaitable[None]]


class Inbox:
    def __init__(
        self,
        platform: str,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        lease_seconds: float = 15.0,
    ) -> None:
        self.platform = platform
        self.uow_factory = uow_factory
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = f"{platform}-{uuid.uuid4().hex[:12]}"
        self._pending: set[str] = set()  # keys waiting for the next `done` commit
        self._committing = asyncio.Lock()

    # -- in a worker thread ---------------------------------------------------------------

    def _receive(self, entries: Sequence[InboxEntry]) -> set[str]:
        now = self.clock.now()
        with self.uow_factory() as uow:
            fresh = uow.inbox.receive(entries, self.owner, now, now + self.lease)
            uow.commit()
        return fresh

    def _claim(self) -> list[InboxEntry]:
        now = self.clock.now()
        with self.uow_factory() as uow:
            uow.inbox.renew(self.owner, now + self.lease)
            entries = uow.inbox.claim_abandoned(self.platform, self.owner, now, now + self.lease)
            uow.commit()
        return entries

    def _done(self, keys: Sequence[str]) -> None:
        with self.uow_factory() as uow:
            uow.inbox.mark_done(keys, self.clock.now())
            uow.commit()

    # -- on the event loop ----------------------------------------------------------------

    async def receive(self, entries: Sequence[InboxEntry]) -> set[str]:
        """Store the entries (one commit); the keys that were new. Raises if not stored."""
        return await asyncio.to_thread(self._receive, entries)

    async def done(self, key: str) -> None:
        """Mark the row done; returns once that is committed.

        Group commit: the keys that arrive while a commit is under way are marked together
        by the next one (one UPDATE for all), so an update costs a share of one write
        instead of one of its own. The crash window stays the updates in flight."""
        self._pending.add(key)
        async with self._committing:
            if key not in self._pending:  # an earlier commit took it
                return
            keys, self._pending = sorted(self._pending), set()
            try:
                await asyncio.to_thread(self._done, keys)
            except Exception:  # the rows stay open: answered again from their stored replies
                log.exception("%d inbox rows could not be marked done", len(keys))

    async def recover(self) -> list[InboxEntry]:
        """Rows left by a process that is gone, now leased to this one, oldest first."""
        entries = await asyncio.to_thread(self._claim)
        if entries:
            log.warning("inbox: answering %d updates left unanswered", len(entries))
        return entries

    async def run(self, stop: asyncio.Event, on_abandoned: OnAbandoned) -> None:
        """Renew this process's leases and take over abandoned rows until `stop`."""
        interval = self.lease.total_seconds() / 3
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            if stop.is_set():
                return
            try:
                entries = await self.recover()
            except Exception:
                log.exception("inbox lease renewal failed")
                continue
            if entries:
                await on_abandoned(entries)
