"""The fake Feishu (tests/e2e/fake_feishu.py) in a process of its own, driven over HTTP.

As with bench/fake_telegram_process.py: the platform is another machine in production, and
a fake inside the bot's process would charge its protobuf, JSON and aiohttp work to the bot.
Run as a script it serves Feishu plus control routes under `/_bench/`, prints `PORT <n>`
and serves until terminated or its stdin closes. `RemoteFeishu` starts and drives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.fake_feishu import FakeFeishu  # noqa: E402


class ControlledFeishu(FakeFeishu):
    def __init__(self) -> None:
        super().__init__()
        self.pushed: list[str] = []  # frame ids pushed, acknowledged or not

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/_bench/say", self._c_say)
        app.router.add_post("/_bench/counts", self._c_counts)

    async def _c_say(self, request: web.Request) -> web.Response:
        pairs = (await request.json())["pairs"]
        for open_id, text in pairs:
            body = self.message_event(str(open_id), "text", {"text": str(text)})
            self.pushed.append(await self.push(body))
        return web.json_response({"queued": len(pairs)})

    async def _c_counts(self, request: web.Request) -> web.Response:
        prefix = (await request.json()).get("prefix", "")
        shown = sum(1 for m in self.shown if m.open_id.startswith(prefix))
        pending = sum(1 for f in self.pushed if f not in self.acks)
        return web.json_response({"shown": shown, "pending": pending})


async def serve() -> None:
    fake = await ControlledFeishu().start()
    print(f"PORT {fake.base.rsplit(':', 1)[1]}", flush=True)
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
        await fake.stop()


class RemoteFeishu:
    """The fake Feishu in a child process; `await RemoteFeishu.start()`, then `close()`."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self._process = process
        self.base = f"http://127.0.0.1:{port}"
        self._session = aiohttp.ClientSession()

    @classmethod
    async def start(cls, timeout: float = 60.0) -> RemoteFeishu:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).resolve()),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line.startswith(b"PORT "):
            await process.wait()
            raise RuntimeError(f"the fake Feishu process did not start: {line!r}")
        return cls(process, int(line.split()[1]))

    async def _call(self, action: str, **body: Any) -> dict[str, Any]:
        async with self._session.post(f"{self.base}/_bench/{action}", json=body) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def say_many(self, pairs: Sequence[tuple[str, str]]) -> None:
        await self._call("say", pairs=[list(p) for p in pairs])

    async def counts(self, prefix: str) -> tuple[int, int]:
        """(messages shown to open ids starting with `prefix`, frames not acknowledged)."""
        counts = await self._call("counts", prefix=prefix)
        return counts["shown"], counts["pending"]

    async def wait_for(
        self, predicate: Callable[[], Awaitable[object]], timeout: float = 300.0
    ) -> None:
        deadline = time.monotonic() + timeout
        while not await predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out")
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        await self._session.close()
        if self._process.returncode is None:
            self._process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._process.wait(), 10)
            if self._process.returncode is None:
                self._process.kill()
                await self._process.wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
