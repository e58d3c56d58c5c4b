"""Group chats get one line asking for a private chat; nothing of the core reaches them."""

from __future__ import annotations

import asyncio
import time

import pytest

from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus, OutgoingMessage
from handlers.core.messages import Reply
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser, telegram_app
from tests.support import invite, seed_catalog

MANAGER = 3001
GROUP = -1001234567890  # a supergroup: Telegram's group ids are negative


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.close()


@pytest.fixture
def app(db, fake):
    seed_catalog(db.uow_factory)
    return telegram_app(db.url, fake, engine=db.engine)


@pytest.fixture
async def bot(app, fake):
    running = await RunningBot(app, fake).start()
    yield running
    await running.stop()


def in_group(fake: FakeTelegram, user: int, text: str, kind: str = "supergroup") -> None:
    body = {
        "message_id": int(time.time() * 1000) % 1_000_000,
        "date": int(time.time()),
        "chat": {"id": GROUP, "type": kind, "title": "Sales West"},
        "from": {"id": user, "is_bot": False, "first_name": "Wang", "language_code": "zh-hans"},
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    fake._push({"message": body})


async def group_answer(bot: RunningBot, fake: FakeTelegram, user: int, text: str, **kw) -> str:
    before = len(fake.to(GROUP))
    in_group(fake, user, text, **kw)
    await fake.wait_for(lambda: len(fake.to(GROUP)) > before, what="an answer in the group")
    await bot.settled()
    return "\n".join(s.text for s in fake.to(GROUP)[before:])


async def test_a_dealer_profile_asked_in_a_supergroup_is_refused_with_one_line(bot, fake):
    code = invite(bot.app.uow_factory, SystemClock(), manager="M01")
    await TgUser(bot, MANAGER).say(f"/start {code}")

    said = await group_answer(bot, fake, MANAGER, "/dealer D001")

    assert len(said.splitlines()) == 1 and "私聊" in said
    assert "华西医疗" not in said and "保证金" not in said
    assert len(fake.to(GROUP)) == 1


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_a_start_code_sent_in_a_group_links_nobody_and_stays_usable(bot, fake, kind):
    code = invite(bot.app.uow_factory, SystemClock(), dealer="D001")

    said = await group_answer(bot, fake, 4242, f"/start {code}", kind=kind)

    assert "私聊" in said
    with bot.app.uow_factory() as uow:
        assert uow.identities.find("telegram", "4242") is None
    assert "华西医疗" in await TgUser(bot, 4242).say(f"/start {code}")  # still unused


async def test_an_alert_queued_for_a_group_chat_id_is_never_sent_there(app, fake):
    with app.uow_factory() as uow:
        for chat in (GROUP, MANAGER):
            uow.outbox.enqueue(
                OutgoingMessage(
                    f"alert:{chat}", "telegram", str(chat), Reply("严重违规").to_dict()
                ),
                app.clock.now(),
            )
        uow.commit()
    bot = await RunningBot(app, fake).start()
    try:
        await fake.wait_for(lambda: len(fake.to(MANAGER)) == 1, what="the private alert")
        await asyncio.sleep(0.3)
    finally:
        await bot.stop()
    assert fake.to(GROUP) == []
    with app.uow_factory() as uow:
        states = {i.chat_id: i.status for i in uow.outbox.list(limit=10)}
    assert states == {str(MANAGER): OutboxStatus.SENT, str(GROUP): OutboxStatus.UNDELIVERABLE}
