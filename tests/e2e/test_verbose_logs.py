"""`-v` logs: dealerbot's debug lines, without the bot token, the webhook secret or link codes."""

from __future__ import annotations

import io
import logging
import socket

import pytest

from bot import logs
from domain.shared.clock import SystemClock
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, telegram_app
from tests.support import invite, seed_catalog

TOKEN = "7012345678:AAHk3tVq_9xLr2ZpWm8YcQe4sDf6GhJ0KlM"
SECRET = "wh-S3cret-5f2a9c"


@pytest.fixture
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure(verbose=True, stream=stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)
    logs.configure(verbose=False, stream=io.StringIO())
    root.removeHandler(root.handlers[-1])
    root.setLevel(level)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_verbose_log_of_a_webhook_start_has_no_token_secret_or_code(db, captured):
    fake = await FakeTelegram(token=TOKEN, bot_id=7012345678).start()
    seed_catalog(db.uow_factory)
    port = free_port()
    app = telegram_app(
        db.url,
        fake,
        engine=db.engine,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_listen=f"127.0.0.1:{port}",
        secret_token=SECRET,
    )
    logs.hide_secrets(app.settings)  # what the command line does once it has the settings
    code = invite(app.uow_factory, SystemClock(), dealer="D001")
    bot = await RunningBot(app, fake).start()
    try:
        await fake.wait_for(lambda: fake.webhook, what="setWebhook")
        assert await fake.post_webhook(fake.make_message(8001, f"/start {code}"), SECRET) == 200
        assert "华西医疗" in (await fake.reply_to(8001, 0)).text
        logging.getLogger("bot.transports.telegram.service").debug(
            "update text was %r", f"/start {code}"
        )
    finally:
        await bot.stop()
        await fake.close()

    log = captured.getvalue()
    assert "DEBUG" in log and "/start [redacted]" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert SECRET not in log
    assert code not in log


def test_token_shapes_passwords_and_codes_are_redacted_without_the_settings():
    line = logs.redact(
        "POST https://api.telegram.org/bot7012345678:AAHk3tVq_9xLr2ZpWm8YcQe4sDf6GhJ0KlM/getMe "
        "xoxb-1234-5678-abcdefgh xapp-1-A0B-99-ffee postgresql+psycopg://bot:pw@db/x "
        'text=start+K7PQ2MXA {"text": "start K7PQ2MXA"} https://t.me/dealerbot?start=K7PQ2MXA'
    )
    assert "AAHk3tVq" not in line and "xoxb-1234" not in line and "xapp-1" not in line
    assert ":pw@" not in line and "K7PQ2MXA" not in line
    assert "api.telegram.org/bot[redacted]/getMe" in line
