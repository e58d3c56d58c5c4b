"""A promotion to many dealer chats through the real Telegram transport under rate limits."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite
from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus
from storage.models import DealerRow
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser, telegram_app
from tests.support import seed_catalog

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DEALERS = 45
FIRST_CHAT = 70_000
BOSS = 9_001


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.close()


def link_dealers(app) -> list[int]:
    chats = [FIRST_CHAT + n for n in range(DEALERS)]
    with app.uow_factory() as uow:
        uow.session.add_all(
            DealerRow(code=f"P{n:03d}", name=f"经销商{n}", tier="A") for n in range(DEALERS)
        )
        uow.commit()
    with app.uow_factory() as uow:
        now = SystemClock().now()
        for n, chat in enumerate(chats):
            inv = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode(f"P{n:03d}"))
            uow.identities.link("telegram", str(chat), str(chat), f"u{n}", inv, now)
        inv = issue_invite(uow, now, timedelta(hours=1), manager=ManagerCode("M02"))
        uow.identities.link("telegram", str(BOSS), str(BOSS), "boss", inv, now)
        uow.commit()
    return chats


async def test_a_broadcast_reaches_every_dealer_chat_once_within_telegrams_limits(db, fake):
    seed_catalog(db.uow_factory)
    app = telegram_app(db.url, fake, engine=db.engine)
    chats = link_dealers(app)
    bot = await RunningBot(app, fake).start()
    try:
        boss = TgUser(bot, BOSS)
        fake.enforce_limits()
        preview = await boss.say("/broadcast 七月起 A100 供货价下调 3%")
        assert f"{DEALERS} 位联系人" in preview and "确认执行吗" in preview
        answer = await boss.press("确认")
        assert f"{DEALERS} 位联系人" in answer and "已开始发送" in answer
        targets = set(chats)
        await fake.wait_for(
            lambda: len({s.chat_id for s in fake.sent if s.chat_id in targets}) == DEALERS,
            timeout=60,
            what="every dealer chat",
        )
        sent = [s for s in fake.sent if s.chat_id in targets]
        assert max(Counter(s.chat_id for s in sent).values()) == 1
        assert all("七月起 A100 供货价下调 3%" in s.text for s in sent)
        # The fake refuses (429) anything past a 30-message burst refilled at 30/s, so what got
        # through beyond the burst took at least that long.
        times = sorted(s.at for s in sent)
        assert times[-1] - times[0] >= (DEALERS - 30) / 30 - 0.05
        # A dealer acknowledges with the button on the notice.
        dealer = TgUser(bot, chats[0])
        assert "已确认收到" in await dealer.press("确认收到")
        with app.uow_factory() as uow:
            items = uow.outbox.list(None, 500)
            assert sum(1 for i in items if i.status is OutboxStatus.SENT) >= DEALERS
            assert uow.promotions.stats(1).acknowledged == 1
    finally:
        await bot.stop()
