"""Per-key ordering: jobs with the same key run one after another, different keys concurrently.

A transport puts each user's updates in that user's lane, so one user's messages are
handled in the order they arrived while other users are not kept waiting.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class Lanes:
    def __init__(self, concurrency: int = 8) -> None:
        self._lanes: dict[str, deque[Job]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sem = asyncio.Semaphore(concurrency)

    def submit(self, key: str, job: Job) -> None:
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(job)
            return
        self._lanes[key] = deque([job])
        task = asyncio.create_task(self._drain(key), name=f"lane-{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: str) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                job = lane.popleft()
                async with self._sem:
                    try:
                        await job()
                    except Exception:  # one failed job must not stop the lane
                        ref = uuid.uuid4().hex[:8]
                        log.exception("job failed ref=%s lane=%s", ref, key)
        finally:
            # No await between the empty check and this delete: a new submit starts a new lane.
            del self._lanes[key]

    @property
    def idle(self) -> bool:
        return not self._tasks

    @property
    def pending(self) -> int:
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
