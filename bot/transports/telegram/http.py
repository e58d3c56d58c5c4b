"""python-telegram-bot's HTTP requests on aiohttp instead of httpx.

PTB lets the transport bring its own `BaseRequest`. Its default (httpx) spends more of the
bot's CPU per Bot API call than the rest of a report takes, most of it in the connection
pool's bookkeeping, which grows with the number of calls in flight: with several users
answered at once that is the largest cost of the whole transport (bench/telegram_throughput.py
prints both). aiohttp is already the webhook server, so this adds no dependency.

Timeouts and errors keep PTB's meaning: a timeout is `TimedOut`, any other failure to talk to
the server `NetworkError`; PTB itself turns the server's answer into `RetryAfter`,
`Forbidden` and the rest.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _given(value: object, default: float | None) -> float | None:
    """A timeout PTB passed, or ours when it passed its DEFAULT_NONE marker."""
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value  # type: ignore[return-value]


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_limit: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._limit = connection_limit
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        data: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            data = aiohttp.FormData(fields or {})
            for name, (filename, content, mime) in files.items():
                data.add_field(name, content, filename=filename, content_type=mime)
        read = _given(read_timeout, self._read)
        pool = _given(pool_timeout, self._pool)
        connect = _given(connect_timeout, self._connect)
        # aiohttp has no write timeout of its own: an upload gets its write time in `total`.
        write = _given(write_timeout, self._media_write if files else self._write)
        total = None
        if files and write is not None and read is not None:
            total = write + read
        timeout = aiohttp.ClientTimeout(
            total=total,
            # aiohttp's `connect` is waiting for a pooled connection and opening a new one.
            connect=None if pool is None and connect is None else (pool or 0) + (connect or 0),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
