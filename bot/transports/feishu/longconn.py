"""The long connection: the SDK's WebSocket client on a thread and event loop of its own.

`lark_oapi.ws.Client` takes a module-level event loop when it is imported and its `start()`
blocks that loop for good, so it cannot share the bot's loop. Here it runs in a thread with
a fresh loop (made the module's loop before it connects); each data frame, `event` and
`card` alike (the SDK drops `card` frames), is handed to the bot's loop, and the frame is
acknowledged once the bot has stored it (or refused it: Feishu pushes it again). The
acknowledgement carries what the bot answered, a card press's toast. The module's loop is
one per process, so is the long connection: one Feishu app per `dealerbot run`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import lark_oapi as lark
import lark_oapi.ws.client as ws_client
from lark_oapi.ws.const import (
    HEADER_BIZ_RT,
    HEADER_MESSAGE_ID,
    HEADER_SEQ,
    HEADER_SUM,
    HEADER_TYPE,
)
from lark_oapi.ws.exception import ClientException
from lark_oapi.ws.model import Response
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

log = logging.getLogger(__name__)

# The bot answers a frame within this long or it is left unacknowledged (Feishu waits 3 s,
# then pushes it again; the inbox keeps the second push from taking effect twice).
ACK_WITHIN = 2.5
DATA_TYPES = ("event", "card")
OnFrame = Callable[[str, bytes, str], Awaitable[dict[str, Any] | None]]


def _header(frame: Frame, key: str, default: str = "") -> str:
    for header in frame.headers:
        if header.key == key:
            return header.value
    return default


class _Client(ws_client.Client):
    """The SDK's client with its data frames (events and cards) handed to `on_frame`."""

    def __init__(self, *args: Any, on_frame: OnFrame, bot_loop: asyncio.AbstractEventLoop, **kw):
        super().__init__(*args, **kw)
        self._on_frame = on_frame
        self._bot_loop = bot_loop

    async def _receive_message_loop(self) -> None:
        # The SDK's loop reconnects on its own, and raises once reconnecting is turned off
        # (on close): that end is expected, not an error to report.
        with contextlib.suppress(Exception):
            await super()._receive_message_loop()

    async def _handle_data_frame(self, frame: Frame) -> None:
        kind = _header(frame, HEADER_TYPE)
        msg_id = _header(frame, HEADER_MESSAGE_ID)
        payload = frame.payload
        total = int(_header(frame, HEADER_SUM, "1") or 1)
        if total > 1:  # one payload split over several frames
            payload = self._combine(msg_id, total, int(_header(frame, HEADER_SEQ, "0")), payload)
            if payload is None:
                return
        if kind not in DATA_TYPES:
            return
        started = time.monotonic()
        resp = Response(code=http.HTTPStatus.OK)
        try:
            handed = asyncio.run_coroutine_threadsafe(
                self._on_frame(kind, payload, msg_id), self._bot_loop
            )
            answer = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(handed)), ACK_WITHIN)
            if answer:
                resp.data = base64.b64encode(json.dumps(answer).encode("utf-8"))
        except Exception as exc:  # not stored (or not in time): Feishu pushes it again
            log.warning("feishu frame %s not acknowledged: %r", msg_id, exc)
            resp = Response(code=http.HTTPStatus.INTERNAL_SERVER_ERROR)
        header = frame.headers.add()
        header.key = HEADER_BIZ_RT
        header.value = str(int((time.monotonic() - started) * 1000))
        frame.payload = lark.JSON.marshal(resp).encode("utf-8")
        await self._write_message(frame.SerializeToString())


class LongConnection:
    """Connects, receives until `close()`, reconnects on its own when the connection drops."""

    def __init__(self, app_id: str, app_secret: str, domain: str, on_frame: OnFrame) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.domain = domain.rstrip("/")
        self.on_frame = on_frame
        self.connected = threading.Event()
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._closing = threading.Event()

    def start(self, bot_loop: asyncio.AbstractEventLoop) -> None:
        self._thread = threading.Thread(
            target=self._main, args=(bot_loop,), name="feishu-ws", daemon=True
        )
        self._thread.start()

    def _main(self, bot_loop: asyncio.AbstractEventLoop) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ws_client.loop = loop  # the SDK schedules its receive loop on its module's loop
        self._stop = asyncio.Event()
        self._loop = loop
        try:
            if not self._closing.is_set():
                loop.run_until_complete(self._serve(bot_loop))
        except BaseException as exc:
            self.error = exc
            log.error("feishu long connection stopped: %r", exc)
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()
            self.connected.set()  # nobody waits for a connection that is not coming

    async def _serve(self, bot_loop: asyncio.AbstractEventLoop) -> None:
        assert self._stop is not None
        client = _Client(
            self.app_id,
            self.app_secret,
            log_level=lark.LogLevel.WARNING,
            domain=self.domain,
            on_frame=self.on_frame,
            bot_loop=bot_loop,
        )
        delay = 1.0
        while not self._stop.is_set():
            try:
                await client._connect()
                break
            except ClientException:  # bad credentials: trying again will not help
                raise
            except Exception as exc:
                log.warning("feishu: cannot connect (%r); retrying in %.0f s", exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                delay = min(delay * 2, 60.0)
        if self._stop.is_set():
            return
        log.info("feishu: long connection open")
        self.connected.set()
        ping = asyncio.create_task(client._ping_loop())
        try:
            await self._stop.wait()
        finally:
            client._auto_reconnect = False
            ping.cancel()
            with contextlib.suppress(Exception):
                await client._disconnect()

    def close(self, timeout: float = 10.0) -> None:
        """Stop receiving and close the connection (waits for the thread)."""
        self._closing.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
