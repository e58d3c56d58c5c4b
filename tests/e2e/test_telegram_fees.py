"""A fee claim's proof over the real python-telegram-bot against the fake Bot API: photos
uploaded into the claim form reach the sales manager as photos, who approves with a button."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.shared.clock import SystemClock
from domain.shared.periods import Period, PeriodKind
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser, telegram_app
from tests.support import invite, seed_catalog

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DEALER_CHAT = 2301
MANAGER_CHAT = 3301
ADMIN_CHAT = 3302
PHOTOS = [b"\xff\xd8\xff\xe0booth-photo-" + bytes([n]) * 16 for n in range(1, 5)]


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


async def approve_with_button(fake: FakeTelegram, manager: TgUser, expected: str) -> str:
    """Press 批准 on the latest card with buttons: the card is edited in place to the decision."""
    card = next(s for s in reversed(manager.received) if s.buttons)
    before = len(fake.edited_texts)
    fake.press(manager.id, card.data_for("批准"), card)
    await fake.wait_for(
        lambda: any(expected in text for _, _, text in fake.edited_texts[before:]),
        timeout=30,
        what="the decided card",
    )
    return next(text for _, _, text in fake.edited_texts[before:] if expected in text)


async def test_claim_photos_reach_the_manager_as_photos_and_a_button_approves(bot, fake):
    dealer = await linked(bot, DEALER_CHAT, dealer="D001")
    manager = await linked(bot, MANAGER_CHAT, manager="M01")
    admin = await linked(bot, ADMIN_CHAT, manager="M02")
    today = datetime.now(bot.app.options.tz).date()
    quarter = Period.containing(today, PeriodKind.QUARTER)
    assert "预算已设置" in await admin.say(f"/budget set {quarter} SC 100000")

    # The request: a one-day display today, so it may be claimed at once after approval.
    assert "活动类型" in await dealer.say("/fee request")
    assert "促销活动" in await dealer.press("门店陈列")
    assert "活动日期" in await dealer.press("跳过")
    assert "地点" in await dealer.say(today.isoformat())
    await dealer.say("华西医院门口药店")
    await dealer.say("A100 样机陈列一周")
    assert "剩余 ¥100,000.00" in await dealer.say("带来 5 个询价")
    assert "确认费用申请" in await dealer.say("8000")
    assert "#1 已提交" in await dealer.press("确认发送")
    await fake.wait_for(
        lambda: any("待您审批" in s.text for s in manager.received), what="the request card"
    )
    await approve_with_button(fake, manager, "已批准")

    # The claim: two photos and an invoice image, uploaded into the form.
    assert "实际花费" in await dealer.say("/fee claim 1")
    assert "活动照片" in await dealer.say("7600")
    for content in PHOTOS[:2]:
        await dealer._answer(lambda c=content: fake.photo(DEALER_CHAT, c))
    assert "发票" in await dealer.press("完成")
    assert "已收到 1 张" in await dealer._answer(lambda: fake.photo(DEALER_CHAT, PHOTOS[2]))
    assert "活动效果" in await dealer.press("完成")
    assert "确认报销" in await dealer.say("5 个询价，成交 1 台")
    assert "C1 已提交" in await dealer.press("确认发送")

    await fake.wait_for(
        lambda: len([s for s in manager.received if s.method == "sendPhoto"]) >= 3,
        what="the claim's proof photos",
    )
    photos = [s.content for s in manager.received if s.method == "sendPhoto"]
    assert photos == PHOTOS[:3]
    card = next(s for s in reversed(manager.received) if s.buttons)
    assert "证明材料 3 个" in card.text
    await approve_with_button(fake, manager, "营销管理部")
    assert "报销已审核，待付款" in await dealer.say("/fees")
