"""Replies out through the Bot API: an update's answer now, and the outbox's sender.

Both map the Bot API's errors to the outbox's (bot/transports/base.py) and never send a
part of a reply twice: once part of it is out, a failure is final or retried here, not by
the outbox.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.transports.base import PermanentFailure, RetryLater, SendError
from bot.transports.telegram.mapping import (
    as_send_error,
    private_chat_id,
    reply_calls,
    retry_after_seconds,
)
from handlers.core.messages import Reply

log = logging.getLogger(__name__)

REPLY_TRIES = 5  # 429s waited out per Bot API call of a direct reply


class TelegramSender:
    def __init__(self, bot: ExtBot) -> None:
        self.bot = bot

    async def send_now(self, chat_id: str, reply: Reply) -> None:
        """One reply's Bot API calls, 429s waited out; failures as the outbox's errors.

        Once part of the reply is out, a failure is final (sending it again would repeat
        that part)."""
        for n, call in enumerate(reply_calls(self.bot, chat_id, reply)):
            for attempt in range(REPLY_TRIES):
                try:
                    await call()
                    break
                except RetryAfter as exc:
                    wait = retry_after_seconds(exc)
                    log.info("429 replying to %s; waiting %.1f s", chat_id, wait)
                    if attempt == REPLY_TRIES - 1:
                        raise _failed(n, as_send_error(exc)) from exc
                    await asyncio.sleep(wait)
                except Forbidden as exc:
                    log.info("chat %s blocked the bot; reply dropped", chat_id)
                    raise as_send_error(exc) from exc
                except TelegramError as exc:
                    raise _failed(n, as_send_error(exc)) from exc

    async def send(self, chat_id: str, reply: Reply) -> None:
        """The outbox dispatcher's sender: one Reply, failures mapped to the outbox's errors.

        A failure on the first Bot API call is reported (the outbox retries the whole
        message); once part of the message is out, later parts are retried here so the
        outbox never sends the first part twice.
        """
        calls = reply_calls(self.bot, private_chat_id(chat_id), reply)
        try:
            await calls[0]()
        except TelegramError as exc:
            raise as_send_error(exc) from exc
        for call in calls[1:]:
            for attempt in range(REPLY_TRIES):
                try:
                    await call()
                    break
                except (RetryAfter, NetworkError) as exc:
                    retry = as_send_error(exc)
                    if attempt == REPLY_TRIES - 1 or isinstance(retry, PermanentFailure):
                        raise PermanentFailure(f"partly delivered: {exc}") from exc
                    await asyncio.sleep(getattr(retry, "retry_after", None) or 2**attempt)
                except TelegramError as exc:
                    raise PermanentFailure(f"partly delivered: {exc}") from exc


def _failed(call: int, error: SendError) -> SendError:
    if call > 0 and isinstance(error, RetryLater):
        return PermanentFailure(f"partly delivered: {error}")
    return error
