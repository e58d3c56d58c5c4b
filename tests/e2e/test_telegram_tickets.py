"""A complaint's whole life over the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

import pytest

from domain.shared.clock import SystemClock
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser, telegram_app
from tests.support import invite, seed_catalog

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DEALER_CHAT = 2101
MANAGER_CHAT = 3101
JPEG = b"\xff\xd8\xff\xe0complaint-photo"


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.close()


@pytest.fixture
async def bot(db, fake):
    seed_catalog(db.uow_factory)
    running = await RunningBot(telegram_app(db.url, fake, engine=db.engine), fake).start()
    yield running
    await running.stop()


async def linked(bot: RunningBot, user: int, **who) -> TgUser:
    chat = TgUser(bot, user)
    await chat.say(f"/start {invite(bot.app.uow_factory, SystemClock(), **who)}")
    return chat


async def test_a_complaint_with_a_photo_is_resolved_and_rated_over_telegram(bot, fake):
    dealer = await linked(bot, DEALER_CHAT, dealer="D001")
    manager = await linked(bot, MANAGER_CHAT, manager="M01")

    assert "类别" in await dealer.say("/complaint")
    assert "客户或终端" in await dealer.press("质量问题")
    assert "产品" in await dealer.press("华西医院")
    assert "描述" in await dealer.say("A100")
    assert "照片" in await dealer.say("探头接触不良，图像有雪花")
    assert "已收到 1 张照片" in await dealer._answer(lambda: fake.photo(DEALER_CHAT, JPEG))
    assert "紧急程度" in await dealer.press("完成")
    assert "C00001" in await dealer.press("紧急")

    # The region's sales manager is told through the outbox, and sees the photo.
    await fake.wait_for(
        lambda: any("新投诉工单" in s.text for s in manager.received), what="new-ticket alert"
    )
    assert "C00001" in await manager.say("/ticket 1")
    photos = [s for s in manager.received if s.method == "sendPhoto"]
    assert photos and photos[-1].content == JPEG

    assert "已解决" in await manager.say("/ticket 1 resolve 已更换探头")
    await fake.wait_for(
        lambda: any("打分" in s.text for s in dealer.received), what="the follow-up question"
    )
    assert "感谢评分" in await dealer.press("5")
    assert "已关闭" in await manager.say("/ticket 1")
