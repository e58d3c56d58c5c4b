"""Console transport: stdin lines in, replies printed; works interactively and piped."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.transports.base import Transport
from bot.transports.outbox import OutboxDispatcher
from domain.shared.clock import Clock
from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment, Button, Inbound, Reply

PLATFORM = "console"


class ConsoleTransport(Transport):
    platform = PLATFORM
    outbox_rate = 0  # a terminal takes every message at once
    per_chat_interval = 0

    def __init__(
        self,
        conversation: Conversation,
        user_id: str,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path = Path("dealerbot-files"),
    ) -> None:
        self.conversation = conversation
        self.user_id = user_id
        self.stdin = stdin or _tolerant(sys.stdin)
        self.stdout = stdout or _tolerant(sys.stdout)
        self.files_dir = files_dir
        self._buttons: list[Button] = []
        self._asked = ""  # the first line of the message whose buttons a number presses
        self._saved = 0
        self.dispatcher: OutboxDispatcher | None = None  # set by `console_dispatcher`

    # -- output --------------------------------------------------------------------------

    def _save(self, attachment: Attachment) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(attachment.filename).name or "file"
        while True:  # an earlier session's files keep their numbers; never overwrite one
            self._saved += 1
            path = self.files_dir / f"{self._saved:03d}-{name}"
            if not path.exists():
                break
        path.write_bytes(attachment.content)
        return path

    def render(
        self, chat_id: str, reply: Reply, *, proactive: bool = False, first_button: int = 1
    ) -> str:
        """One reply as printed, its buttons numbered from `first_button` (files are saved)."""
        prefix = "[!] " if proactive else "[↻] " if reply.replaces_pressed else ""
        lines = [f"{prefix}{reply.text}\n"]
        buttons = [b for row in reply.buttons for b in row]
        for n, b in enumerate(buttons, first_button):
            lines.append(f"  [{n}] {b.label}\n")
        if reply.image:
            lines.append(f"  (image: {self._save(reply.image)})\n")
        if reply.document:
            lines.append(f"  (document: {self._save(reply.document)})\n")
        return "".join(lines)

    def show(self, replies: list[Reply], *, proactive: bool = False) -> None:
        """Print replies with their buttons numbered 1..n across all of them; a number typed
        next presses one of these (a batch without buttons keeps the previous ones)."""
        buttons = [b for r in replies for row in r.buttons for b in row]
        n = 1
        for reply in replies:
            self.stdout.write(self.render(self.user_id, reply, proactive=proactive, first_button=n))
            self.stdout.flush()
            n += sum(len(row) for row in reply.buttons)
        if buttons:
            self._buttons = buttons
            asking = next(r for r in replies if r.buttons)
            self._asked = asking.text.strip().splitlines()[0][:40] if asking.text.strip() else ""
        elif self._buttons and replies:
            # The numbers still press the last question's buttons: say which question.
            self.stdout.write(f"  (1-{len(self._buttons)} → “{self._asked}”)\n")
            self.stdout.flush()

    async def send(self, chat_id: str, reply: Reply) -> None:
        if chat_id == self.user_id:
            self.show([reply], proactive=True)

    # -- input ---------------------------------------------------------------------------

    def dedupe_key(self, update: str) -> None:
        """None: a typed line is read once, never delivered again."""
        return None

    def to_inbound(self, line: str) -> Inbound:
        stripped = line.strip()
        number = stripped.isascii() and stripped.isdigit()  # "²" and "３" are digits to isdigit
        if number and self._buttons and 1 <= int(stripped) <= len(self._buttons):
            payload = self._buttons[int(stripped) - 1].payload
            return Inbound(PLATFORM, self.user_id, self.user_id, payload=payload)
        if stripped.startswith("@file "):
            path = Path(stripped[6:].strip()).expanduser()
            if path.is_file():
                return Inbound(
                    PLATFORM,
                    self.user_id,
                    self.user_id,
                    file=Attachment(path.name, path.read_bytes()),
                )
        return Inbound(PLATFORM, self.user_id, self.user_id, text=line.rstrip("\n"))

    async def handle_line(self, line: str) -> list[Reply]:
        inbound = self.to_inbound(line)
        replies = await self.conversation.handle_async(inbound)
        self.show(replies)
        return replies

    async def serve(self, dispatcher: OutboxDispatcher | None = None) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        pump = asyncio.create_task(dispatcher.run(stop)) if dispatcher else None
        try:
            while True:
                line = await loop.run_in_executor(None, self.stdin.readline)
                if not line:
                    break
                if not line.strip():
                    continue
                await self.handle_line(line)
                if dispatcher:
                    await dispatcher.drain_once()
        finally:
            stop.set()
            if pump:
                await pump
            if dispatcher:
                await dispatcher.drain_once()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until end of input or `stop`, the outbox delivered after each line."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        # A daemon thread, not the default executor: a pending readline must not keep the
        # process alive after Ctrl-C.
        threading.Thread(target=_pump, args=(self.stdin, loop, lines), daemon=True).start()
        dispatcher = self.dispatcher
        pump = asyncio.create_task(dispatcher.run(stop)) if dispatcher else None
        try:
            while not stop.is_set():
                line = await _next(lines, stop)
                if line is None:
                    break
                if line.strip():
                    await self.handle_line(line)
                    if dispatcher:
                        await dispatcher.drain_once()
        finally:
            stop.set()
            if pump:
                await pump


def _pump(stdin: TextIO, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue) -> None:
    put: Callable = lines.put_nowait
    with contextlib.suppress(RuntimeError):  # the loop closed while we were reading
        for line in iter(stdin.readline, ""):
            loop.call_soon_threadsafe(put, line)
        loop.call_soon_threadsafe(put, None)


async def _next(lines: asyncio.Queue, stop: asyncio.Event) -> str | None:
    getter = asyncio.ensure_future(lines.get())
    stopper = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return getter.result() if getter in done else None


def _tolerant(stream: TextIO) -> TextIO:
    """Undecodable bytes on stdin become U+FFFD instead of ending the session."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    return stream


def console_dispatcher(transport: ConsoleTransport, uow_factory, clock: Clock) -> OutboxDispatcher:
    transport.dispatcher = OutboxDispatcher(
        PLATFORM,
        transport.send,
        uow_factory,
        clock,
        rate=transport.outbox_rate,
        per_chat_interval=transport.per_chat_interval,
        idle_sleep=0.5,
        chat_id=transport.user_id,
    )
    return transport.dispatcher
