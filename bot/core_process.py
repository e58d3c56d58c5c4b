"""The conversation core in worker processes, for a transport that serves many users at once.

In threads of the bot's process the core shares one GIL with the event loop, which hands it
back and forth at every SQL call; on a small machine that costs more than the report itself
(bench/telegram_throughput.py prints both modes). A worker process has its own interpreter,
engine and connection and uses another core. Inbounds and replies cross as pickles: a few
kilobytes, or the bytes of an upload or a chart.

`[telegram] core_processes = N` sets how many (default 1; 0 goes back to threads). With
SQLite keep 1: one writer at a time, so one worker takes one update at a time while the
bot's process keeps receiving and sending; with PostgreSQL, up to the number of cores.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.config import Settings
from handlers.conversation import Conversation
from handlers.messages import Inbound, Reply

log = logging.getLogger(__name__)

_conversation: Conversation | None = None  # the worker's own, built once per worker


def _start_worker(settings: Settings) -> None:
    global _conversation
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the bot, which stops us
    from bot.app import build_app

    _conversation = build_app(settings, migrate=False).conversation


def _handle(inbound: Inbound) -> list[Reply]:
    assert _conversation is not None, "worker not started"
    return _conversation.handle(inbound)


def _ready() -> bool:
    return _conversation is not None


class CoreProcesses:
    """A pool of worker processes each running `Conversation.handle`."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self.settings = settings
        self.processes = processes
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),  # no inherited loop or sockets
            initializer=_start_worker,
            initargs=(self.settings,),
        )

    async def start(self) -> None:
        """Start every worker now, so the first users do not wait for the imports."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._pool, _ready) for _ in range(self.processes))
        )

    async def handle(self, inbound: Inbound) -> list[Reply]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, _handle, inbound)
        except BrokenProcessPool:
            # A worker died (killed, out of memory). Its update's transaction did not commit
            # (the user gets the apology and may send it again); later updates get new workers.
            log.error("a core worker process died; starting new ones")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
