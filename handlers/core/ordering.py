"""Per-user ordering for async transports: one user's messages are handled one at a time,
in the order they arrived, while different users run in parallel worker threads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class KeyedSerializer:
    """Runs blocking calls in threads; calls with the same key run one after another (FIFO).

    A caller that is cancelled while waiting does not break the chain: its call still runs
    in turn (it may already have taken effect), so the next message never overtakes it.
    """

    def __init__(self) -> None:
        self._tails: dict[Hashable, asyncio.Future[Any]] = {}

    def pending(self) -> int:
        """How many keys have work queued or running."""
        return len(self._tails)

    def submit(self, key: Hashable, func: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        previous = self._tails.get(key)
        task = asyncio.ensure_future(self._after(previous, func, args))
        self._tails[key] = task

        def forget(done: asyncio.Future[Any]) -> None:
            if self._tails.get(key) is done:
                del self._tails[key]
            if not done.cancelled():
                done.exception()  # retrieved here; the caller, if still waiting, gets it too

        task.add_done_callback(forget)
        return task

    async def run(self, key: Hashable, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.shield(self.submit(key, func, *args))

    @staticmethod
    async def _after(previous: asyncio.Future[Any] | None, func: Callable[..., T], args) -> T:
        if previous is not None:
            await asyncio.wait({previous})  # its outcome is its own caller's business
        return await asyncio.to_thread(func, *args)
