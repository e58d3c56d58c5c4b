"""Per-user ordering: jobs with the same key run one after another (FIFO), different keys
concurrently. The one implementation for the transports (each user's updates in that user's
lane, bot/transports/) and for the conversation core (`Conversation.handle_async`).

A caller of `run` that is cancelled while waiting does not break the lane: its job still
runs in turn (it may already have taken effect), so the next message never overtakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[], Awaitable[Any]]


class Lanes:
    """`concurrency` bounds the jobs running at once over all lanes (None: no bound)."""

    def __init__(self, concurrency: int | None = 8) -> None:
        self._lanes: dict[Hashable, deque[tuple[Job, asyncio.Future[Any] | None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sem = asyncio.Semaphore(concurrency) if concurrency else None

    def submit(self, key: Hashable, job: Job) -> None:
        """Queue `job` in its lane; a job that fails is logged and the lane goes on."""
        self._queue(key, job, None)

    async def run(self, key: Hashable, func: Callable[..., T], *args: Any) -> T:
        """Run the blocking `func(*args)` in a worker thread in its turn; its result."""
        return await self.run_async(key, lambda: asyncio.to_thread(func, *args))

    async def run_async(self, key: Hashable, job: Callable[[], Awaitable[T]]) -> T:
        """Await `job()` in its turn in the lane of `key`; its result."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        done.add_done_callback(_retrieve)  # the caller, if still waiting, gets it too
        self._queue(key, job, done)
        return await asyncio.shield(done)

    def _queue(self, key: Hashable, job: Job, done: asyncio.Future[Any] | None) -> None:
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append((job, done))
            return
        self._lanes[key] = deque([(job, done)])
        task = asyncio.create_task(self._drain(key), name=f"lane-{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: Hashable) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                job, done = lane.popleft()
                async with self._sem or contextlib.nullcontext():
                    try:
                        result = await job()
                    except Exception as exc:  # one failed job must not stop the lane
                        if done is None:
                            ref = uuid.uuid4().hex[:8]
                            log.exception("job failed ref=%s lane=%s", ref, key)
                        elif not done.done():
                            done.set_exception(exc)
                    except BaseException:  # the lane itself is cancelled: so are its callers
                        if done is not None:
                            done.cancel()
                        raise
                    else:
                        if done is not None and not done.done():
                            done.set_result(result)
        finally:
            for _, waiting in lane:
                if waiting is not None:
                    waiting.cancel()
            # No await between the empty check and this delete: a new submit starts a new lane.
            del self._lanes[key]

    @property
    def idle(self) -> bool:
        return not self._tasks

    @property
    def pending(self) -> int:
        """Jobs queued plus lanes running one."""
        return sum(len(lane) for lane in self._lanes.values()) + len(self._tasks)

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until every lane is empty; False when `timeout` ran out first."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=left)
        return True


def _retrieve(done: asyncio.Future[Any]) -> None:
    if not done.cancelled():
        done.exception()
