"""Telegram transport on python-telegram-bot, sharing the process's asyncio loop.

Updates arrive by long polling (default) or by webhook (an aiohttp endpoint that checks the
secret-token header) and go into PTB's Application, whose only handler puts each update in
its user's lane: one user's updates are handled in order, different users concurrently.
Each update becomes an Inbound with the dedupe key `tg:<bot id>:<update_id>`, so a
redelivered update finds its stored answer instead of having a second effect.

Replies to an update are sent at once (waiting out any 429); proactive messages go through
the outbox dispatcher at 30 messages/s overall and one per second per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, TypeHandler

from bot.app import App
from bot.core_process import CoreProcesses
from bot.lanes import Lanes
from bot.outbox import OutboxDispatcher, outbox_options
from bot.telegram_http import AiohttpRequest
from bot.telegram_map import (
    MAX_DOWNLOAD,
    PLATFORM,
    as_send_error,
    file_ref,
    in_private_chat,
    lane_key,
    menus,
    private_chat_id,
    reply_calls,
    retry_after_seconds,
    to_inbound,
)
from bot.transport import PermanentFailure
from handlers.i18n import Translator, normalize_locale
from handlers.messages import Attachment, Inbound, Reply
from handlers.policy_kb import KNOWLEDGE

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REPLY_TRIES = 5  # 429s waited out per Bot API call of a direct reply
SEEN_UPDATES = 10_000  # update ids remembered in memory to drop in-process repeats at once


class TelegramService:
    name = "telegram"
    platform = PLATFORM

    def __init__(
        self,
        app: App,
        *,
        handle: Callable[[Inbound], list[Reply]] | None = None,
        poll_timeout: float = 10.0,
        dispatcher_options: dict[str, Any] | None = None,
        drain_timeout: float = 10.0,
        concurrency: int = 8,
    ) -> None:
        self.app = app
        self.settings = app.settings.telegram
        self.handle = handle or app.conversation.handle
        # The core in worker processes, when configured (a custom `handle` stays in threads).
        self.core: CoreProcesses | None = None
        if handle is None and self.settings.core_processes > 0:
            # Workers load the policy search on start when this process does (`run`).
            warm = KNOWLEDGE.warm_up_requested
            self.core = CoreProcesses(app.settings, self.settings.core_processes, warm_policy=warm)
        self.poll_timeout = poll_timeout
        self.drain_timeout = drain_timeout
        # Users served at once. More is slower, not faster: the core holds the GIL and
        # SQLite one writer; bench/telegram_throughput.py measured 64 at a quarter of 8.
        self.concurrency = concurrency
        self.application = self._build_application()
        self.lanes: Lanes | None = None
        self.dispatcher = OutboxDispatcher(
            PLATFORM,
            self.send,
            app.uow_factory,
            app.clock,
            **{
                "rate": 30.0,
                "per_chat_interval": 1.0,
                **outbox_options(app.settings),
                **(dispatcher_options or {}),
            },
        )
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._web: web.AppRunner | None = None
        self.bot_id = 0
        self.ready = asyncio.Event()  # set once updates are being received

    @property
    def bot(self) -> ExtBot:
        return self.application.bot

    def _build_application(self) -> Application:
        builder = (
            Application.builder()
            .token(self.settings.token.get_secret_value())
            .base_url(self.settings.api_base_url)
            .base_file_url(self.settings.api_file_url)
            .job_queue(None)  # jobs belong to the scheduler, not to the transport
            .request(AiohttpRequest(connection_limit=2 * self.concurrency + 8))
            .get_updates_request(AiohttpRequest(connection_limit=1))
        )
        if self.settings.mode == "webhook":
            builder = builder.updater(None)
        application = builder.build()
        application.add_handler(TypeHandler(Update, self._on_update))
        application.add_error_handler(self._on_error)
        return application

    # -- lifecycle -----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        if not await self._initialize(stop):
            return
        pump: asyncio.Task[None] | None = None
        try:
            self.lanes = Lanes(self.concurrency)
            self.bot_id = self.bot.id
            if self.core is not None:
                await self.core.start()
            await self._set_menu()
            await self.application.start()
            if self.settings.mode == "webhook":
                await self._start_webhook()
            else:
                assert self.application.updater is not None
                await self.application.updater.start_polling(
                    timeout=self.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    error_callback=self._on_poll_error,
                )
            pump = asyncio.create_task(self.dispatcher.run(stop), name="telegram-outbox")
            log.info("telegram %s mode started as bot %s", self.settings.mode, self.bot_id)
            self.ready.set()
            await stop.wait()
        finally:
            await self._shutdown(pump, stop)

    async def _initialize(self, stop: asyncio.Event) -> bool:
        """getMe until it answers; a bad token stops the service, a network error waits."""
        delay = 1.0
        while not stop.is_set():
            try:
                await self.application.initialize()
                return True
            except InvalidToken:
                raise
            except (NetworkError, RetryAfter) as exc:
                log.warning("telegram not reachable (%r); retrying in %.0f s", exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(delay * 2, 60.0)
        return False

    async def _shutdown(self, pump: asyncio.Task[None] | None, stop: asyncio.Event) -> None:
        stop.set()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()  # acknowledges what was fetched: the next start goes on from there
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self.lanes is not None and not await self.lanes.join(self.drain_timeout):
            log.warning("telegram stopped with %d updates still in progress", self.lanes.pending)
        if pump is not None:
            await pump
        if self.core is not None:
            await self.core.close()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_menu(self) -> None:
        for language, commands in menus(self.app.options.default_locale):
            try:
                await self.bot.set_my_commands(commands, language_code=language)
            except TelegramError as exc:  # the menu is a convenience; the bot works without it
                log.warning("setMyCommands(%s) failed: %r", language, exc)

    # -- webhook -------------------------------------------------------------------------

    async def _start_webhook(self) -> None:
        secret = self.settings.secret_token.get_secret_value()
        if not secret or not self.settings.webhook_url:
            raise RuntimeError(
                "telegram.mode = 'webhook' needs telegram.webhook_url and telegram.secret_token"
            )
        host, _, port = self.settings.webhook_listen.rpartition(":")
        path = urlsplit(self.settings.webhook_url).path or "/"
        server = web.Application()
        server.router.add_post(path, self._on_webhook)
        self._web = web.AppRunner(server, access_log=None)
        await self._web.setup()
        await web.TCPSite(self._web, host or "127.0.0.1", int(port)).start()
        await self.bot.set_webhook(
            self.settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )

    async def _on_webhook(self, request: web.Request) -> web.Response:
        secret = self.settings.secret_token.get_secret_value().encode()
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            log.warning("webhook request with a wrong or missing secret token refused")
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.bot)
        except Exception as exc:
            log.warning("webhook request with an unreadable body refused: %r", exc)
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        return web.Response()

    # -- updates in ----------------------------------------------------------------------

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB's handler: queue the update in its user's lane and return at once."""
        key = lane_key(update)
        if key is None or self.lanes is None:
            return
        if update.update_id in self._seen:  # repeated while we run: already handled or queued
            log.info("update %s repeated; ignored", update.update_id)
            return
        self._seen[update.update_id] = None
        if len(self._seen) > SEEN_UPDATES:
            self._seen.popitem(last=False)
        self.lanes.submit(key, lambda: self._process(update))

    async def _process(self, update: Update) -> None:
        chat = update.effective_chat
        user = update.effective_user
        locale = normalize_locale(user.language_code if user else None)
        try:
            if update.callback_query is not None:
                await self._acknowledge_press(update)
            if chat is not None and not in_private_chat(update):
                await self.reply(str(chat.id), [Reply(self._t(locale)("private.only"))])
                return
            attachment = None
            ref = file_ref(update)
            if ref is not None:
                attachment = await self._download(ref, str(chat.id) if chat else "", locale)
                if attachment is None:
                    return
            inbound = to_inbound(update, self.bot_id, attachment)
            if inbound is None:
                return
            if inbound.payload is None and inbound.file is None and not inbound.text:
                await self.reply(inbound.chat_id, [Reply(self._t(locale)("telegram.unsupported"))])
                return
            if self.core is not None:
                replies = await self.core.handle(inbound)
            else:
                replies = await asyncio.to_thread(self.handle, inbound)
            await self.reply(inbound.chat_id, replies)
        except Exception:
            ref_id = uuid.uuid4().hex[:8]
            log.exception("telegram update %s failed ref=%s", update.update_id, ref_id)
            if chat is not None:
                with contextlib.suppress(Exception):
                    apology = self._t(locale)("error.internal", ref=ref_id)
                    await self.reply(str(chat.id), [Reply(apology)])

    def _t(self, locale: str | None) -> Translator:
        return Translator(locale or self.app.options.default_locale)

    async def _acknowledge_press(self, update: Update) -> None:
        """Stop the button's spinner and take the keyboard away so it cannot be pressed twice."""
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()
            if query.message is not None and query.message.is_accessible:
                await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.debug("callback query %s housekeeping failed: %r", query.id, exc)

    async def _download(self, ref, chat_id: str, locale: str | None) -> Attachment | None:
        t = self._t(locale)
        if ref.size is not None and ref.size > MAX_DOWNLOAD:
            mb = MAX_DOWNLOAD // (1024 * 1024)
            await self.reply(chat_id, [Reply(t("telegram.file_too_big", max_mb=mb))])
            return None
        try:
            file = await self.bot.get_file(ref.file_id)
            content = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            ref_id = uuid.uuid4().hex[:8]
            log.warning("download of %s failed ref=%s: %r", ref.file_id, ref_id, exc)
            await self.reply(chat_id, [Reply(t("telegram.download_failed", ref=ref_id))])
            return None
        return Attachment(ref.filename, content, ref.mime)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("telegram dispatch error ref=%s: %r", ref, context.error, exc_info=context.error)

    def _on_poll_error(self, exc: TelegramError) -> None:
        log.warning("telegram polling error (PTB retries): %r", exc)

    # -- replies out ---------------------------------------------------------------------

    async def reply(self, chat_id: str, replies: list[Reply]) -> None:
        """Send the answer to an update now, waiting out 429s; never via the outbox."""
        for reply in replies:
            for call in reply_calls(self.bot, chat_id, reply):
                for attempt in range(REPLY_TRIES):
                    try:
                        await call()
                        break
                    except RetryAfter as exc:
                        wait = retry_after_seconds(exc)
                        log.info("429 replying to %s; waiting %.1f s", chat_id, wait)
                        if attempt == REPLY_TRIES - 1:
                            raise
                        await asyncio.sleep(wait)
                    except Forbidden:
                        log.info("chat %s blocked the bot; reply dropped", chat_id)
                        return

    async def send(self, chat_id: str, reply: Reply) -> None:
        """The outbox dispatcher's sender: one Reply, failures mapped to the outbox's errors.

        A failure on the first Bot API call is reported (the outbox retries the whole
        message); once part of the message is out, later parts are retried here so the
        outbox never sends the first part twice.
        """
        calls = reply_calls(self.bot, private_chat_id(chat_id), reply)
        try:
            await calls[0]()
        except TelegramError as exc:
            raise as_send_error(exc) from exc
        for call in calls[1:]:
            for attempt in range(REPLY_TRIES):
                try:
                    await call()
                    break
                except (RetryAfter, NetworkError) as exc:
                    retry = as_send_error(exc)
                    if attempt == REPLY_TRIES - 1 or isinstance(retry, PermanentFailure):
                        raise PermanentFailure(f"partly delivered: {exc}") from exc
                    await asyncio.sleep(getattr(retry, "retry_after", None) or 2**attempt)
                except TelegramError as exc:
                    raise PermanentFailure(f"partly delivered: {exc}") from exc


def build(app: App, **options: Any) -> TelegramService:
    return TelegramService(app, **options)
