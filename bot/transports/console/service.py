"""Console transport: stdin lines in, replies printed; works interactively and piped."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.transports.outbox import OutboxDispatcher
from domain.shared.clock import Clock
from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment, Button, Inbound, Reply

PLATFORM = "console"


class ConsoleTransport:
    platform = PLATFORM

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

    def render(self, reply: Reply, *, proactive: bool = False, first_button: int = 1) -> int:
        """Print one reply; its buttons are numbered from `first_button`. Returns the count."""
        out = self.stdout
        prefix = "[!] " if proactive else ""
        out.write(f"{prefix}{reply.text}\n")
        buttons = [b for row in reply.buttons for b in row]
        for n, b in enumerate(buttons, first_button):
            out.write(f"  [{n}] {b.label}\n")
        if reply.image:
            out.write(f"  (image: {self._save(reply.image)})\n")
        if reply.document:
            out.write(f"  (document: {self._save(reply.document)})\n")
        out.flush()
        return len(buttons)

    def show(self, replies: list[Reply], *, proactive: bool = False) -> None:
        """Print replies with their buttons numbered 1..n across all of them; a number typed
        next presses one of these (a batch without buttons keeps the previous ones)."""
        buttons = [b for r in replies for row in r.buttons for b in row]
        n = 1
        for reply in replies:
            n += self.render(reply, proactive=proactive, first_button=n)
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


def _tolerant(stream: TextIO) -> TextIO:
    """Undecodable bytes on stdin become U+FFFD instead of ending the session."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    return stream


def console_dispatcher(transport: ConsoleTransport, uow_factory, clock: Clock) -> OutboxDispatcher:
    return OutboxDispatcher(
        PLATFORM,
        transport.send,
        uow_factory,
        clock,
        rate=0,
        per_chat_interval=0,
        idle_sleep=0.5,
        chat_id=transport.user_id,
    )
