"""The fake Telegram Bot API server (tests/e2e/fake_telegram.py) in a process of its own.

In production the Bot API is another machine. A fake server inside the bot's process would
charge its own work (JSON, aiohttp) to the bot under test and compete with it for one GIL,
so benchmarks start it here and drive it over HTTP.

Run as a script (`python bench/fake_telegram_process.py --port 0`) it serves the Bot API
plus control routes under `/_bench/` on the same port, prints `PORT <n>` on one line of
stdout and serves until it is terminated or its stdin closes (the parent went away).
`RemoteFake` starts that process and speaks the control routes from an event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456:TEST-TOKEN"


class ControlledFake(FakeTelegram):
    """FakeTelegram answering `/_bench/<action>` besides the Bot API.

    `/_bench/x` already matches the server's `/{prefix}/{method}` route, so the control
    actions are picked out in `_api` before the token check.
    """

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)
        self._per_chat: Counter[int] = Counter()  # messages sent, by chat
        self._tallied = 0  # how much of `self.sent` is in `_per_chat`
        self.latency = 0.0  # seconds each Bot API answer is held back (the network's share)

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["prefix"] != "_bench":
            if self.latency:
                await asyncio.sleep(self.latency)
            return await super()._api(request)
        action = getattr(self, f"_c_{request.match_info['method']}", None)
        if action is None:
            return web.json_response({"error": "no such control action"}, status=404)
        body = await request.json() if request.can_read_body else {}
        return web.json_response(action(**body))

    def _count(self, low: int | None, high: int | None) -> int:
        for s in self.sent[self._tallied :]:
            self._per_chat[s.chat_id] += 1
        self._tallied = len(self.sent)
        if low is None and high is None:
            return self._tallied
        return sum(
            n
            for chat, n in self._per_chat.items()
            if (low is None or chat >= low) and (high is None or chat < high)
        )

    def _c_say(self, pairs: list[list[Any]]) -> dict[str, Any]:
        for chat, text in pairs:
            self.say(int(chat), str(text))
        return {"queued": len(pairs)}

    def _c_counts(self, low: int | None = None, high: int | None = None) -> dict[str, Any]:
        return {
            "sent": self._count(low, high),
            "pending": self.pending_updates(),
            "rejected_429": self.rejected_429,
        }

    def _c_sent(self, low: int | None = None, high: int | None = None) -> dict[str, Any]:
        return {
            "sent": [
                [s.chat_id, s.text, s.at]
                for s in self.sent
                if (low is None or s.chat_id >= low) and (high is None or s.chat_id < high)
            ]
        }

    def _c_latency(self, seconds: float = 0.0) -> dict[str, Any]:
        self.latency = max(0.0, float(seconds))
        return {"latency": self.latency}

    def _c_limits(self, on: bool = True) -> dict[str, Any]:
        self.enforce_limits(on)
        return {"limits": self.limits}


async def serve(token: str) -> None:
    fake = ControlledFake(token)
    await fake.start()
    print(f"PORT {fake.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def watch_stdin() -> None:  # EOF: the parent is gone, don't outlive it
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        await stop.wait()
    finally:
        await fake.close()


# -- the client --------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    sent: int  # messages the bot got through (to the chats asked about)
    pending: int  # updates not yet confirmed by the bot
    rejected_429: int


@dataclass(frozen=True)
class SentMessage:
    chat_id: int
    text: str
    at: float  # the fake process's monotonic clock


class RemoteFake:
    """The fake Bot API in a child process; `await RemoteFake.start()`, then `close()`."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, token: str) -> None:
        self._process = process
        self.port = port
        self.token = token
        self._control = f"http://127.0.0.1:{port}/_bench"
        self._session = aiohttp.ClientSession()

    @classmethod
    async def start(cls, token: str = TOKEN, timeout: float = 30.0) -> RemoteFake:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).resolve()),
            "--port",
            "0",
            "--token",
            token,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
        if not line.startswith(b"PORT "):
            await process.wait()
            raise RuntimeError(f"the fake Telegram process did not start: {line!r}")
        return cls(process, int(line.split()[1]), token)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _call(self, action: str, **body: Any) -> dict[str, Any]:
        async with self._session.post(f"{self._control}/{action}", json=body) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def say_many(self, pairs: Sequence[tuple[int, str]]) -> None:
        """Queue a message from each (chat, text), in order, in one request."""
        await self._call("say", pairs=[[chat, text] for chat, text in pairs])

    async def counts(self, low: int | None = None, high: int | None = None) -> Counts:
        """Messages sent to chats in [low, high) (all chats by default), with other counters."""
        return Counts(**await self._call("counts", low=low, high=high))

    async def sent_count(self, low: int | None = None, high: int | None = None) -> int:
        return (await self.counts(low, high)).sent

    async def pending_updates(self) -> int:
        return (await self.counts()).pending

    async def rejected_429(self) -> int:
        return (await self.counts()).rejected_429

    async def sent(self, low: int | None = None, high: int | None = None) -> list[SentMessage]:
        """Every message sent to chats in [low, high), oldest first (one large request)."""
        rows = (await self._call("sent", low=low, high=high))["sent"]
        return [SentMessage(int(chat), text, at) for chat, text, at in rows]

    async def enforce_limits(self, on: bool = True) -> None:
        await self._call("limits", on=on)

    async def set_latency(self, seconds: float) -> None:
        """Hold back every Bot API answer this long, as a distant server would."""
        await self._call("latency", seconds=seconds)

    async def wait_for(
        self,
        predicate: Callable[[], Awaitable[object]],
        timeout: float = 10.0,
        what: str = "",
        interval: float = 0.01,
    ) -> None:
        deadline = time.monotonic() + timeout
        while not await predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            await asyncio.sleep(interval)

    async def close(self) -> None:
        await self._session.close()
        if self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--port", type=int, choices=[0], default=0, help="0: a free port (FakeTelegram's only way)"
    )
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.token))
