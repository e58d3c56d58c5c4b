"""The conversation core in worker processes, for a transport that serves many users at once.

In threads of the bot's process the core shares one GIL with the event loop, which hands it
back and forth at every SQL call; on a small machine that costs more than the report itself
(bench/telegram_throughput.py prints both modes). A worker process has its own interpreter,
engine and connection and uses another core.

Each worker is joined to the bot by a socket pair. The bot writes a frame per inbound (a
4-byte length, then the pickled request number and `Inbound`) and reads the replies back on
the event loop: no helper threads and no queues between them, so an update costs the bot's
process a write and a read. (A `ProcessPoolExecutor` moves every call through two threads
of its own; on two cores that took the bot's process a millisecond per update.) A worker
handles its frames one at a time, in order.

`[telegram] core_processes = N` sets how many (default 1; 0 goes back to threads). With
SQLite keep 1: one writer at a time, so one worker takes one update at a time while the
bot's process keeps receiving and sending; with PostgreSQL, up to the number of cores. An
update goes to the worker with the fewest in hand. A worker that dies (killed, out of
memory) fails the updates it held, whose transactions did not commit (their users get the
apology and may send them again), and a new one is started for the next updates.

A worker loads the message catalogs and Babel's locale data before it says it is ready; the
policy search (jieba's dictionary: about a second and 68 MB) on the first question, or in
the background at start when `warm_policy` is asked for.

Memory: `prefork()` forks the first workers before the bot starts any thread or event loop,
so they share its modules' pages (`gc.freeze()` keeps the collector from writing to, and so
copying, them) and no resource tracker starts; a replacement for a dead worker is spawned
(forking beside threads can copy a held lock). `dealerbot run` shares the workers between
Telegram, Slack and Feishu: the policy index exists once, in them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import multiprocessing
import pickle
import signal
import socket
import struct
import threading
from typing import Any

from bot.config import Settings
from handlers.core.messages import Inbound, Reply
from handlers.core.ordering import Lanes

log = logging.getLogger(__name__)

_LENGTH = struct.Struct("!I")
_READY = 0  # the request number of the frame a worker sends once its app is built


class WorkerDied(RuntimeError):
    """The worker holding an update exited before answering it."""


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _serve(
    sock: socket.socket,
    settings: Settings,
    warm_policy: bool,
    app: Any = None,
    bot_ends: tuple[socket.socket, ...] = (),
) -> None:
    """A worker's whole life: build the app, then answer frames until the bot hangs up. A
    forked worker gets the bot's app as at the fork (engine emptied) and closes the bot's
    ends of the socket pairs, or the bot hanging up would not reach it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the bot, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for end in bot_ends:
        end.close()
    from bot.app import build_app
    from handlers.core import i18n

    if app is None:
        app = build_app(settings, migrate=False)
    with app.engine.connect():  # a database it cannot open fails the start, not each update
        pass
    i18n.warm_up()  # the first users do not wait for catalogs and locale data
    if warm_policy:  # nor the first question for the dictionary (about a second, meanwhile)
        app.knowledge.warm_up_in_background(app.uow_factory)
    conversation = app.conversation
    stream = sock.makefile("rb")
    sock.sendall(_frame((_READY, True, None)))
    while True:
        try:
            header = stream.read(_LENGTH.size)
            if len(header) < _LENGTH.size:
                return  # the bot closed its end
            number, inbound = pickle.loads(stream.read(_LENGTH.unpack(header)[0]))
        except (OSError, EOFError, pickle.UnpicklingError):
            return  # the bot went away mid-frame
        try:
            answer: tuple[int, bool, Any] = (number, True, conversation.handle(inbound))
        except Exception as exc:  # handle() answers its own failures; this is the last resort
            log.exception("core worker failed on %s", inbound.dedupe_key)
            answer = (number, False, f"{type(exc).__name__}: {exc}")
        try:
            sock.sendall(_frame(answer))
        except OSError:
            return  # the bot went away meanwhile: nobody to answer (its update did commit)


class _Worker:
    """One worker process and the bot's end of its socket pair."""

    def __init__(self, process: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.process = process
        self.reader = reader
        self.writer = writer
        self.pending: dict[int, asyncio.Future[list[Reply]]] = {}
        self.alive = True
        self._reading: asyncio.Task[None] | None = None

    async def read_frame(self) -> tuple:
        header = await self.reader.readexactly(_LENGTH.size)
        return pickle.loads(await self.reader.readexactly(_LENGTH.unpack(header)[0]))

    def start_reading(self) -> None:
        self._reading = asyncio.create_task(self._read(), name="core-worker-replies")

    async def _read(self) -> None:
        try:
            while True:
                number, ok, value = await self.read_frame()
                future = self.pending.pop(number, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(RuntimeError(f"core worker: {value}"))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the worker is gone, or we hung up
        finally:
            self.alive = False
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(WorkerDied(f"core worker {self.process.pid} exited"))
            self.pending.clear()

    def send(self, number: int, inbound: Inbound) -> asyncio.Future[list[Reply]]:
        future: asyncio.Future[list[Reply]] = asyncio.get_running_loop().create_future()
        self.pending[number] = future
        self.writer.write(_frame((number, inbound)))
        return future

    async def close(self, timeout: float) -> None:
        self.writer.close()  # the worker reads the end of its frames and returns
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()
        if self._reading is not None:
            await self._reading
        await asyncio.to_thread(self.process.join, timeout)
        if self.process.is_alive():
            log.warning("core worker %s did not stop; terminating it", self.process.pid)
            self.process.terminate()
            await asyncio.to_thread(self.process.join, timeout)


class CoreProcesses:
    """Worker processes each running `Conversation.handle`, fed over socket pairs."""

    def __init__(self, settings: Settings, processes: int, *, warm_policy: bool = False) -> None:
        self.settings = settings
        self.processes = processes
        self.warm_policy = warm_policy  # each worker loads the policy search on start
        self._workers: list[_Worker] = []
        self._forked: list[tuple[Any, socket.socket]] = []  # by prefork(), not yet connected
        self._numbers = itertools.count(1)
        self._refilling: asyncio.Task[None] | None = None
        self._context = multiprocessing.get_context("spawn")  # no inherited loop or sockets
        self._order = Lanes(concurrency=None)  # one user's inbounds in turn (Slack, Feishu)

    def prefork(self, app: Any) -> int:
        """Fork the workers now, while the bot's process runs no other thread (at start,
        before the event loop); how many were forked (none where that is not so).

        `app`, the bot's, is what the workers serve with; its engine is emptied first: a
        forked worker must not inherit an open database connection (closing its copy would
        end the bot's, on PostgreSQL)."""
        if threading.active_count() != 1 or "fork" not in multiprocessing.get_all_start_methods():
            return 0
        app.engine.dispose()  # the bot's process reconnects on its next query
        from handlers.core import i18n

        i18n.warm_up()  # catalogs and locale data loaded once, shared with the workers
        fork = multiprocessing.get_context("fork")
        # What exists now (modules, the app) lives as long as the process; frozen, the
        # collector never walks it again here or in the workers, and walking writes to
        # every object it visits, which would copy each shared page in both.
        gc.collect()
        gc.freeze()
        while len(self._forked) < self.processes:
            bot_ends = tuple(end for _, end in self._forked)
            ours, theirs = socket.socketpair()
            process = fork.Process(
                target=_serve,
                args=(theirs, self.settings, self.warm_policy, app, (ours, *bot_ends)),
                name="dealerbot-core",
                daemon=True,
            )
            process.start()
            theirs.close()
            self._forked.append((process, ours))
        return len(self._forked)

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.alive]

    async def start(self) -> None:
        """Start every worker now, so the first users do not wait for the imports."""
        await self._refill()

    async def _spawn(self) -> _Worker:
        if self._forked:
            process, ours = self._forked.pop(0)
        else:
            ours, theirs = socket.socketpair()
            process = self._context.Process(
                target=_serve,
                args=(theirs, self.settings, self.warm_policy),
                name="dealerbot-core",
                daemon=True,
            )
            try:
                process.start()
            finally:
                theirs.close()  # the worker holds its own copy: our end sees EOF when it exits
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        worker = _Worker(process, reader, writer)
        try:
            number, _ok, _value = await worker.read_frame()
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            writer.close()
            await asyncio.to_thread(process.join, 10)
            raise WorkerDied(
                f"core worker exited while starting (exit code {process.exitcode})"
            ) from exc
        assert number == _READY
        worker.start_reading()
        return worker

    async def _refill(self) -> None:
        try:
            while len(self._workers) < self.processes:
                self._workers.append(await self._spawn())
        finally:
            self._refilling = None

    async def _pick(self) -> _Worker:
        if not all(w.alive for w in self._workers):
            log.error("a core worker process died; starting a new one")
            self._workers = [w for w in self._workers if w.alive]
        if len(self._workers) < self.processes and self._refilling is None:
            self._refilling = asyncio.create_task(self._refill(), name="core-worker-start")
            self._refilling.add_done_callback(_log_failure)
        while not self._workers:
            refilling = self._refilling
            if refilling is None:  # the last start failed: try again for this update
                refilling = self._refilling = asyncio.create_task(self._refill())
            await asyncio.shield(refilling)
        return min(self._workers, key=lambda w: len(w.pending))

    async def handle(self, inbound: Inbound) -> list[Reply]:
        worker = await self._pick()
        return await worker.send(next(self._numbers), inbound)

    async def handle_async(self, inbound: Inbound) -> list[Reply]:
        """`Conversation.handle_async` through the workers: one user's inbounds in the order
        they arrived, as the conversation's own lanes keep them."""
        key = (inbound.platform, inbound.user_id)
        return await self._order.run_async(key, lambda: self.handle(inbound))

    async def close(self, timeout: float = 10.0) -> None:
        if self._refilling is not None:
            with contextlib.suppress(Exception):
                await self._refilling
        workers, self._workers = self._workers, []
        await asyncio.gather(*(w.close(timeout) for w in workers))
        forked, self._forked = self._forked, []
        for process, ours in forked:  # never connected: hanging up ends them
            ours.close()
            await asyncio.to_thread(process.join, timeout)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("starting a core worker failed: %r", task.exception())
