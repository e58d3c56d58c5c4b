"""Long polling: `getUpdates` in a loop of our own; a batch is stored (`receive`) before the
next call's offset confirms it to Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.transports.telegram.mapping import retry_after_seconds

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]

Receive = Callable[[tuple[Update, ...]], Awaitable[None]]


async def poll(bot: ExtBot, stop: asyncio.Event, timeout: float, receive: Receive) -> None:
    """getUpdates until `stop`; a batch that could not be stored is fetched again."""
    offset: int | None = None
    delay = 1.0
    while not stop.is_set():
        try:
            updates = await _unless_stopped(
                bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES),
                stop,
            )
            if updates is None:
                break  # stopped while waiting: nothing fetched is lost (not confirmed)
            if updates:
                await receive(updates)
                offset = updates[-1].update_id + 1
            delay = 1.0
        except InvalidToken:
            raise
        except Exception as exc:  # the Bot API or the database: the batch is fetched again
            wait = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else delay
            log.warning("telegram polling failed (%r); retrying in %.0f s", exc, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            delay = min(delay * 2, 30.0)
    if offset is not None:  # confirm what is stored, so the next start does not fetch it
        with contextlib.suppress(TelegramError):
            await bot.get_updates(offset=offset, timeout=0, limit=1)


async def _unless_stopped(call: Awaitable[Any], stop: asyncio.Event) -> Any | None:
    """The call's result, or None (the call cancelled) once `stop` is set first."""
    task = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return None
