"""Runs dealerbot's Telegram service against the fake Bot API and talks to it like a user."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.app import App, build_app
from bot.config import DatabaseSettings, Settings, TelegramSettings
from bot.transports.telegram.service import TelegramService
from handlers.core.messages import Inbound, Reply
from tests.e2e.fake_telegram import FakeTelegram, Sent


def telegram_app(database_url: str, fake: FakeTelegram, engine=None, **telegram: Any) -> App:
    settings = Settings(
        database=DatabaseSettings(url=database_url),
        telegram=TelegramSettings(
            token=fake.token, api_base_url=fake.base_url, api_file_url=fake.file_url, **telegram
        ),
    )
    return build_app(settings, migrate=engine is None, engine=engine)


class RunningBot:
    """The service in a task of the test's loop; `restart` stops it and starts a new one."""

    def __init__(
        self,
        app: App,
        fake: FakeTelegram,
        handle: Callable[[Inbound], list[Reply]] | None = None,
        **options: Any,
    ) -> None:
        self.app = app
        self.fake = fake
        self.handle = handle
        self.options = {
            "poll_timeout": 0.5,
            "dispatcher_options": {"idle_sleep": 0.05},
            **options,
        }
        self.service: TelegramService | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> RunningBot:
        self._stop = asyncio.Event()
        self.service = TelegramService(self.app, handle=self.handle, **self.options)
        self._task = asyncio.create_task(self.service.run(self._stop))
        await self.fake.wait_for(
            lambda: self.service.ready.is_set() or self._task.done(), what="the bot to start"
        )
        if self._task.done():
            await self._task  # raises what stopped it
        return self

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, 15)
            self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def idle(self) -> bool:
        s = self.service
        return s is not None and s.lanes is not None and s.lanes.idle

    async def settled(self, timeout: float = 10.0) -> None:
        """Every queued update fetched and handled."""
        await self.fake.wait_for(
            lambda: self.fake.pending_updates() == 0 and self.idle, timeout, "updates handled"
        )
        await asyncio.sleep(0.05)
        await self.fake.wait_for(
            lambda: self.fake.pending_updates() == 0 and self.idle, timeout, "updates handled"
        )


class TgUser:
    """A Telegram user in a private chat with the bot; `say` returns the bot's answer text."""

    def __init__(self, bot: RunningBot, user_id: int, language: str = "zh-hans") -> None:
        self.bot = bot
        self.fake = bot.fake
        self.id = user_id
        self.language = language

    @property
    def received(self) -> list[Sent]:
        return self.fake.to(self.id)

    async def _answer(self, push: Callable[[], object]) -> str:
        before = len(self.received)
        push()
        await self.fake.wait_for(
            lambda: len(self.received) > before, what=f"an answer to user {self.id}"
        )
        await self.bot.settled()
        return "\n".join(s.text for s in self.received[before:])

    async def say(self, text: str) -> str:
        return await self._answer(lambda: self.fake.say(self.id, text, self.language))

    async def press(self, label_part: str) -> str:
        message = next(s for s in reversed(self.received) if s.buttons)
        data = message.data_for(label_part)
        return await self._answer(lambda: self.fake.press(self.id, data, message, self.language))

    async def upload(self, filename: str, content: bytes, mime: str) -> str:
        return await self._answer(lambda: self.fake.upload(self.id, filename, content, mime))

    def last(self) -> Sent:
        return self.received[-1]
