"""Direct replies the Bot API does not take at once are delivered later by the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus
from storage.sales.models import SaleRow
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser, telegram_app
from tests.support import invite, seed_catalog

DEALER = 2101


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.close()


async def test_a_receipt_answered_500_by_the_bot_api_is_delivered_later_via_the_outbox(db, fake):
    seed_catalog(db.uow_factory)
    app = telegram_app(db.url, fake, engine=db.engine, core_processes=0)
    bot = await RunningBot(app, fake).start()
    try:
        dealer = TgUser(bot, DEALER)
        await dealer.say(f"/start {invite(db.uow_factory, SystemClock(), dealer='D001')}")
        fake.break_next(1)

        update = fake.say(DEALER, "/report A100 3 3500 T-0001")
        receipt = await fake.reply_to(DEALER, 1, timeout=15)  # the outbox retries after ~1 s

        assert fake.answered_500 == 1
        assert "已记录销售 #1" in receipt.text and "× 3" in receipt.text
        assert len(fake.to(DEALER)) == 2  # the receipt once, no apology
        with app.uow_factory() as uow:
            assert uow.session.scalar(select(func.count()).select_from(SaleRow)) == 1

        def outbox():
            with app.uow_factory() as uow:
                return [(i.dedupe_key, i.status) for i in uow.outbox.list()]

        key = f"tg:{fake.bot_id}:{update['update_id']}:reply:0"
        await fake.wait_for(lambda: outbox() == [(key, OutboxStatus.SENT)], what="marked sent")
    finally:
        await bot.stop()
