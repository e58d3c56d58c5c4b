"""The real python-telegram-bot application against a fake Bot API server."""

from __future__ import annotations

import asyncio
import io
import socket
import threading
import time

import pytest
from openpyxl import Workbook

from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus, OutgoingMessage
from handlers.core.i18n import Translator
from handlers.core.messages import Inbound, Reply
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser, telegram_app
from tests.support import ROUTER, invite, seed_catalog

# PTB itself formats RetryAfter's message through the deprecated int accessor.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DEALER_CHAT = 2001
MANAGER_CHAT = 3001


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


async def linked(bot: RunningBot, user: int, *, dealer=None, manager=None, lang="zh-hans"):
    code = invite(bot.app.uow_factory, SystemClock(), dealer=dealer, manager=manager)
    chat = TgUser(bot, user, lang)
    await chat.say(f"/start {code}")
    return chat


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_deep_link_code_links_the_dealer_and_help_lists_their_commands(bot):
    code = invite(bot.app.uow_factory, SystemClock(), dealer="D001")
    dealer = TgUser(bot, DEALER_CHAT)
    assert "华西医疗" in await dealer.say(f"/start {code}")
    help_text = await dealer.say("/help")
    assert "/lang" in help_text
    assert "/start" in help_text


async def test_the_command_menu_is_set_in_both_languages_from_the_registry(bot, fake):
    for language, locale in ((None, "zh_CN"), ("zh", "zh_CN"), ("en", "en")):
        menu = {c["command"]: c["description"] for c in fake.commands[language]}
        assert set(ROUTER.commands) <= set(menu)
        assert menu["help"] == Translator(locale)("cmd.help")
    assert fake.commands["en"] != fake.commands["zh"]


async def test_an_unlinked_user_is_asked_for_a_code(bot):
    stranger = TgUser(bot, 9999)
    assert Translator("zh_CN")("error.link_first") in await stranger.say("/lang")


async def test_language_buttons_switch_the_language_and_the_keyboard_goes_away(bot, fake):
    dealer = await linked(bot, DEALER_CHAT, dealer="D001")
    await dealer.say("/lang")
    question = dealer.last()
    assert question.labels() == ["中文", "English"]
    answer = await dealer.press("English")
    assert answer == Translator("en")("lang.set")
    assert (DEALER_CHAT, question.message_id) in fake.edited
    assert fake.answered, "the button press was answered (no endless spinner)"
    assert "commands" in (await dealer.say("/help")).lower()


async def test_an_uploaded_spreadsheet_reaches_the_core_as_a_file(app, fake):
    seen: list[Inbound] = []

    def handle(inbound: Inbound) -> list[Reply]:
        seen.append(inbound)
        return app.conversation.handle(inbound)

    bot = await RunningBot(app, fake, handle=handle).start()
    try:
        dealer = await linked(bot, DEALER_CHAT, dealer="D001")
        sheet = xlsx([["sku", "qty", "price", "terminal"], ["A100", 2, 3500, "T-0001"]])
        answer = await dealer.upload("sales.xlsx", sheet, "application/vnd.ms-excel")
        assert answer  # the core answered (whatever the sales feature makes of it)
        got = seen[-1].file
        assert got is not None
        assert (got.filename, got.content) == ("sales.xlsx", sheet)
        fake.photo(DEALER_CHAT, b"\xff\xd8fake-jpeg")
        await fake.wait_for(lambda: len(seen) == 3, what="the photo")
        assert seen[-1].file is not None and seen[-1].file.content == b"\xff\xd8fake-jpeg"
    finally:
        await bot.stop()


async def test_a_redelivered_update_has_no_second_effect(bot, fake):
    code = invite(bot.app.uow_factory, SystemClock(), dealer="D001")
    update = fake.say(DEALER_CHAT, f"/start {code}")
    await fake.reply_to(DEALER_CHAT, 0)
    await bot.settled()
    first = fake.texts(DEALER_CHAT)
    assert len(first) == 1 and "华西医疗" in first[0]

    fake.redeliver(update)  # while the bot runs: dropped at once
    await bot.settled()
    assert fake.texts(DEALER_CHAT) == first

    await bot.restart()
    fake.redeliver(update)  # after a restart: in the inbox already, answered once already
    await bot.settled()
    assert fake.texts(DEALER_CHAT) == first  # neither "this code was already used" nor twice
    with bot.app.uow_factory() as uow:
        links = [e for e in uow.audit.recent(500) if e.action == "link"]
    assert len(links) == 1


async def test_a_429_storm_delivers_every_outbox_message_exactly_once(app, fake):
    with app.uow_factory() as uow:
        for n in range(40):
            chat = 5000 + n % 8
            uow.outbox.enqueue(
                OutgoingMessage(f"storm:{n}", "telegram", str(chat), Reply(f"alert {n}").to_dict()),
                app.clock.now(),
            )
        uow.commit()
    fake.enforce_limits()
    fake.fail_next(12, retry_after=1)
    bot = await RunningBot(app, fake).start()
    try:
        await fake.wait_for(lambda: len(fake.sent) >= 40, timeout=30, what="all 40 alerts")
        await asyncio.sleep(0.3)
    finally:
        await bot.stop()
    texts = sorted(s.text for s in fake.sent)
    assert texts == sorted(f"alert {n}" for n in range(40))
    assert fake.rejected_429 >= 12
    with app.uow_factory() as uow:
        assert {i.status for i in uow.outbox.list(limit=100)} == {OutboxStatus.SENT}


async def test_a_reply_waits_out_429_and_arrives_once(bot, fake):
    fake.fail_next(2, retry_after=1)
    started = time.monotonic()
    assert "/help" in await TgUser(bot, 4001).say("/help")
    assert time.monotonic() - started >= 1.5
    assert len(fake.to(4001)) == 1


async def test_users_are_served_concurrently_and_each_in_order(app, fake):
    order: list[str] = []
    lock = threading.Lock()

    def handle(inbound: Inbound) -> list[Reply]:
        if inbound.user_id == "7001":
            time.sleep(0.3)  # a slow user must not hold up others
        with lock:
            order.append(f"{inbound.user_id}:{inbound.text}")
        return [Reply(f"echo {inbound.text}")]

    bot = await RunningBot(app, fake, handle=handle).start()
    try:
        for n in range(3):
            fake.say(7001, f"slow {n}")
        fake.say(7002, "quick")
        await fake.wait_for(lambda: len(fake.sent) == 4, what="four answers")
    finally:
        await bot.stop()
    assert order.index("7002:quick") < order.index("7001:slow 0")
    assert [o for o in order if o.startswith("7001")] == [f"7001:slow {n}" for n in range(3)]
    assert fake.texts(7001) == [f"echo slow {n}" for n in range(3)]


async def test_a_transport_error_gives_a_localized_apology_and_the_bot_keeps_running(app, fake):
    def handle(inbound: Inbound) -> list[Reply]:
        if inbound.text == "boom":
            raise RuntimeError("transport-level failure")
        return app.conversation.handle(inbound)

    bot = await RunningBot(app, fake, handle=handle).start()
    try:
        user = TgUser(bot, 6001, "en")
        apology = await user.say("boom")
        assert apology.startswith("Sorry") and "reference" in apology
        assert "/help" in await user.say("/help")
    finally:
        await bot.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_refuses_a_wrong_or_missing_secret_token(db, fake):
    seed_catalog(db.uow_factory)
    port = free_port()
    app = telegram_app(
        db.url,
        fake,
        engine=db.engine,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_listen=f"127.0.0.1:{port}",
        secret_token="s3cret-token",
    )
    bot = await RunningBot(app, fake).start()
    try:
        await fake.wait_for(lambda: fake.webhook, what="setWebhook")
        assert fake.webhook["secret_token"] == "s3cret-token"
        assert await fake.post_webhook(fake.make_message(8001, "/help"), None) == 403
        assert await fake.post_webhook(fake.make_message(8001, "/help"), "wrong") == 403
        await asyncio.sleep(0.2)
        assert fake.to(8001) == []
        assert await fake.post_webhook(fake.make_message(8001, "/help"), "s3cret-token") == 200
        reply = await fake.reply_to(8001, 0)
        assert "/help" in reply.text
    finally:
        await bot.stop()
    assert "getUpdates" not in {method for method, _ in fake.calls}


needs_report = pytest.mark.skipif(
    "report" not in ROUTER.commands,
    reason="the `report` command (handlers/commands/sales*.py) is not registered yet",
)


@needs_report
async def test_a_sale_under_the_floor_price_alerts_the_manager(bot, fake):
    await linked(bot, MANAGER_CHAT, manager="M01")
    dealer = await linked(bot, DEALER_CHAT, dealer="D001")
    before = len(fake.to(MANAGER_CHAT))
    await dealer.say("/report A100 20 2500 T-0001")  # far under the floor: asked again
    answer = await dealer.press("确定")
    assert "#1" in answer
    await fake.wait_for(
        lambda: len(fake.to(MANAGER_CHAT)) > before, timeout=15, what="the manager's alert"
    )
    alert = fake.to(MANAGER_CHAT)[before].text
    assert "A100" in alert or "华西医疗" in alert or "D001" in alert


@needs_report
async def test_a_form_goes_on_after_the_bot_restarts(bot, fake):
    dealer = await linked(bot, DEALER_CHAT, dealer="D001")
    await dealer.say("/report")
    question = dealer.last()
    choices = [b for row in question.buttons for b in row if b["callback_data"] != "f:__cancel__"]
    assert choices, "the report form asks with buttons"
    await bot.restart()
    answer = await dealer.press(choices[0]["text"])
    assert Translator("zh_CN")("form.expired") not in answer
    assert answer != question.text


async def test_the_core_in_a_worker_process_records_alerts_and_answers_a_redelivery_once(db, fake):
    from sqlalchemy import func, select

    from storage.sales.models import SaleRow

    seed_catalog(db.uow_factory)
    app = telegram_app(db.url, fake, engine=db.engine, core_processes=1)
    bot = await RunningBot(app, fake).start()
    try:
        assert bot.service.core is not None  # the core runs in a worker process
        await linked(bot, MANAGER_CHAT, manager="M01")
        await linked(bot, DEALER_CHAT, dealer="D001")
        fake.say(DEALER_CHAT, "/report A100 2 2500 T-0001")  # far under the floor
        question = await fake.reply_to(DEALER_CHAT, 1, timeout=30)  # asked again
        update = fake.press(DEALER_CHAT, question.data_for("确定"), question)
        answer = (await fake.reply_to(DEALER_CHAT, 2, timeout=30)).text
        assert "#1" in answer and "低于最低终端售价" in answer
        await fake.wait_for(  # written by the worker, sent by the bot's outbox dispatcher
            lambda: len(fake.texts(MANAGER_CHAT)) > 1, 15, "the alert"
        )
        assert "华西医疗" in fake.texts(MANAGER_CHAT)[1]
        await bot.restart()
        fake.redeliver(update)  # in the inbox already: neither handled nor answered again
        await bot.settled()
        assert fake.texts(DEALER_CHAT)[1:] == [question.text, answer]
        with app.uow_factory() as uow:
            assert uow.session.scalar(select(func.count()).select_from(SaleRow)) == 1
    finally:
        await bot.stop()
