"""Sends wait long enough for a slow answer: neither Telegram's Bot API nor Slack's
chat.postMessage takes an idempotency key, so a send given up on early and tried again is
a second copy of the message in the chat."""

from __future__ import annotations

from bot.config import OutboxSettings, Settings
from bot.transports.outbox import outbox_options
from bot.transports.slack.sender import SEND_TIMEOUT
from bot.transports.telegram.http import AiohttpRequest
from bot.transports.telegram.mapping import SEND_READ_TIMEOUT, reply_calls
from handlers.core.messages import Attachment, Button, Reply


class RecordingBot:
    """Stands in for the Bot: reply_calls only wraps its send methods in partials."""

    async def send_message(self, *args, **kwargs): ...
    async def send_photo(self, *args, **kwargs): ...
    async def send_document(self, *args, **kwargs): ...


def test_every_telegram_send_call_waits_longer_than_the_default_read_timeout():
    reply = Reply(
        "x" * 10_000,
        buttons=((Button("OK", "c:ok"),),),
        image=Attachment("chart.png", b"\x89PNG", "image/png"),
    )
    calls = reply_calls(RecordingBot(), "42", reply)
    assert len(calls) == 4  # three text pieces, then the image
    assert all(c.keywords["read_timeout"] == SEND_READ_TIMEOUT for c in calls)
    assert 6 * AiohttpRequest().read_timeout <= SEND_READ_TIMEOUT


def test_the_slack_client_waits_as_long_as_a_telegram_send():
    assert SEND_TIMEOUT >= SEND_READ_TIMEOUT


def test_the_outbox_lease_outlasts_the_longest_send_and_comes_from_config():
    options = outbox_options(
        Settings(outbox=OutboxSettings(retry_hours=6, max_backoff_seconds=120, lease_seconds=90))
    )
    assert options["lease_seconds"] == 90
    assert options["retry"].retry_hours == 6 and options["retry"].max_backoff_seconds == 120
    upload = 20 + SEND_READ_TIMEOUT  # media write timeout + read timeout
    assert OutboxSettings().lease_seconds > upload
