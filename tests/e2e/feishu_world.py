"""The Feishu transport running for real (the SDK's long connection and REST client) against
FakeFeishu, and Feishu users who message it, press its cards and click its menu."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from bot.app import App, build_app
from bot.config import Settings
from bot.transports.feishu.service import FeishuService
from tests.e2e.fake_feishu import APP_ID, APP_SECRET, TENANT, FakeFeishu, Shown


def feishu_settings(db_url: str, fake: FakeFeishu, **feishu: Any) -> Settings:
    return Settings(
        database={"url": db_url},
        feishu={"app_id": APP_ID, "app_secret": APP_SECRET, "domain": fake.base, **feishu},
    )


@dataclass
class FeishuWorld:
    fake: FakeFeishu
    app: App
    service: FeishuService

    def user(self, open_id: str) -> FeishuUser:
        return FeishuUser(self, open_id)

    def audit_count(self, action: str) -> int:
        with self.app.uow_factory() as uow:
            return sum(1 for e in uow.audit.recent(1000) if e.action == action)


@dataclass
class FeishuUser:
    world: FeishuWorld
    open_id: str
    last: list[Shown] = field(default_factory=list)

    @property
    def user_id(self) -> str:
        return f"{TENANT}:{self.open_id}"

    def shown(self) -> list[Shown]:
        return self.world.fake.to(self.open_id)

    async def answer(self, body: dict[str, Any], kind: str = "event") -> str:
        """Push what the user did, then read what the bot showed them."""
        before = len(self.shown())
        frame = await self.world.fake.push(body, kind)
        await self.world.fake.acked(frame)
        await self.world.fake.wait_for(lambda: len(self.shown()) > before)
        await asyncio.sleep(0.2)  # a reply may come in several messages
        self.last = self.shown()[before:]
        return "\n".join(m.text for m in self.last)

    async def say(self, text: str) -> str:
        return await self.answer(
            self.world.fake.message_event(self.open_id, "text", {"text": text})
        )

    async def press(self, label_part: str, on: Shown | None = None) -> str:
        card = on or self.card_with(label_part)
        return await self.answer(self.world.fake.press_event(self.open_id, card, label_part))

    async def menu(self, event_key: str) -> str:
        return await self.answer(self.world.fake.menu_event(self.open_id, event_key))

    def card_with(self, label_part: str) -> Shown:
        for shown in reversed(self.shown()):
            if any(label_part in label for label, _ in shown.buttons):
                return shown
        raise AssertionError(f"no button {label_part!r} in {[m.text for m in self.shown()]}")


async def start_world(db, clock, *, dispatch: bool = True, **feishu: Any):
    """Returns (world, shutdown) with the service connected to a fresh FakeFeishu."""
    fake = await FakeFeishu().start()
    app = build_app(
        feishu_settings(db.url, fake, **feishu), clock=clock, migrate=False, engine=db.engine
    )
    service = FeishuService(app, dispatch=dispatch)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    await asyncio.wait_for(service.ready.wait(), 60)
    if feishu.get("mode") != "http":
        await fake.connected()
    world = FeishuWorld(fake, app, service)

    async def shutdown() -> None:
        stop.set()
        await asyncio.wait_for(task, 30)
        await fake.stop()

    return world, shutdown
