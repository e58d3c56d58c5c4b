"""A Bot API that answers a send late: the send waits for the answer instead of giving up
and leaving the outbox to send the message a second time."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.transports.telegram.http import AiohttpRequest
from bot.transports.telegram.mapping import send_reply
from handlers.core.messages import Reply
from tests.e2e.fake_telegram import FakeTelegram

LATE = 6.0  # past the requests' default 5 s read timeout


class SlowTelegram(FakeTelegram):
    async def _m_sendMessage(self, params, files):
        answer = await super()._m_sendMessage(params, files)  # the message is in the chat
        await asyncio.sleep(LATE)
        return answer


async def test_a_send_answered_after_six_seconds_is_delivered_once_and_not_failed():
    fake = await SlowTelegram().start()
    bot = Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest())
    try:
        await bot.initialize()
        await send_reply(bot, "42", Reply("目标预警：D001 落后进度"))  # raised TimedOut before
    finally:
        await bot.shutdown()
        await fake.close()
    assert fake.texts(42) == ["目标预警：D001 落后进度"]
