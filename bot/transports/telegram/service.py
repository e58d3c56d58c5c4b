"""Telegram transport on python-telegram-bot, sharing the process's asyncio loop.

Updates arrive by long polling (default; a loop of our own on `Bot.get_updates`) or by webhook
(an aiohttp endpoint that checks the secret-token header). Each batch is stored in the inbox
(bot/transports/inbox.py) before Telegram is told it arrived: before the next `getUpdates`
offset confirms it, before the webhook's 200. Then each new update goes into its user's lane:
one user's updates are handled in order, different users concurrently. On start, updates a dead
process left in the inbox are handled first. Each update becomes an Inbound with the dedupe key
`tg:<bot id>:<update_id>`; a redelivery of a stored update is not handled again.

Replies to an update are sent at once (waiting out a few 429s); a reply the Bot API does not
take now (5xx, a timeout) goes to the outbox (bot/transports/direct_replies.py). Proactive
messages go through the outbox dispatcher at 30 messages/s overall and one per second per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot

from bot.app import App
from bot.core_process import CoreProcesses
from bot.transports.base import PermanentFailure, RetryLater, SendError
from bot.transports.direct_replies import DirectReplies
from bot.transports.inbox import Inbox
from bot.transports.lanes import Lanes
from bot.transports.outbox import OutboxDispatcher, outbox_options
from bot.transports.telegram.http import AiohttpRequest
from bot.transports.telegram.mapping import (
    MAX_DOWNLOAD,
    PLATFORM,
    as_send_error,
    dedupe_key,
    file_ref,
    in_private_chat,
    lane_key,
    menus,
    private_chat_id,
    reply_calls,
    retry_after_seconds,
    to_inbound,
)
from domain.shared.inbox import InboxEntry
from handlers.core.i18n import Translator, normalize_locale
from handlers.core.messages import Attachment, Inbound, Reply

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REPLY_TRIES = 5  # 429s waited out per Bot API call of a direct reply


class TelegramService:
    name = "telegram"
    platform = PLATFORM

    def __init__(
        self,
        app: App,
        *,
        handle: Callable[[Inbound], list[Reply]] | None = None,
        poll_timeout: float | None = None,
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
            warm = app.knowledge.warm_up_requested
            self.core = CoreProcesses(app.settings, self.settings.core_processes, warm_policy=warm)
        self.poll_timeout = self.settings.poll_timeout if poll_timeout is None else poll_timeout
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
        self.inbox = Inbox(PLATFORM, app.uow_factory, app.clock, app.settings.inbox.lease_seconds)
        self.replies = DirectReplies(PLATFORM, app.uow_factory, app.clock)
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
            .updater(None)  # updates are fetched here, stored before they are confirmed
            .request(AiohttpRequest(connection_limit=2 * self.concurrency + 8))
            .get_updates_request(AiohttpRequest(connection_limit=1))
        )
        return builder.build()

    # -- lifecycle -----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        if not await self._initialize(stop):
            return
        tasks: list[asyncio.Task[None]] = []
        try:
            self.lanes = Lanes(self.concurrency)
            self.bot_id = self.bot.id
            if self.core is not None:
                await self.core.start()
            await self._set_menu()
            # What a dead process left goes into the lanes before anything new.
            self._submit(await self.inbox.recover())
            tasks.append(asyncio.create_task(self.inbox.run(stop, self._resume), name="tg-inbox"))
            if self.settings.mode == "webhook":
                await self._start_webhook()
            else:
                await self.bot.delete_webhook()
                tasks.append(asyncio.create_task(self._poll(stop), name="telegram-polling"))
            tasks.append(asyncio.create_task(self.dispatcher.run(stop), name="telegram-outbox"))
            log.info("telegram %s mode started as bot %s", self.settings.mode, self.bot_id)
            self.ready.set()
            await stop.wait()
        finally:
            await self._shutdown(tasks, stop)

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

    async def _shutdown(self, tasks: list[asyncio.Task[None]], stop: asyncio.Event) -> None:
        stop.set()
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self.lanes is not None and not await self.lanes.join(self.drain_timeout):
            # Still in the inbox: the next start (or another worker) answers them.
            log.warning("telegram stopped with %d updates still in progress", self.lanes.pending)
        for task in tasks:
            with contextlib.suppress(Exception):
                await task
        if self.core is not None:
            await self.core.close()
        await self.application.shutdown()

    # -- polling -------------------------------------------------------------------------

    async def _poll(self, stop: asyncio.Event) -> None:
        """getUpdates in a loop; a batch is stored before the next call's offset confirms it."""
        offset: int | None = None
        delay = 1.0
        while not stop.is_set():
            try:
                updates = await _unless_stopped(
                    self.bot.get_updates(
                        offset=offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
                    ),
                    stop,
                )
                if updates is None:
                    break  # stopped while waiting: nothing fetched is lost (not confirmed)
                if updates:
                    await self._receive(updates)
                    offset = updates[-1].update_id + 1
                delay = 1.0
            except InvalidToken:
                raise
            except Exception as exc:  # the Bot API or the database: the batch is fetched again
                wait = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else delay
                log.warning("telegram polling failed (%r); retrying in %.0f s", exc, wait)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                delay = min(delay * 2, 30.0)
        if offset is not None:  # confirm what is stored, so the next start does not fetch it
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(offset=offset, timeout=0, limit=1)

    async def _set_menu(self) -> None:
        for language, commands in menus(self.app.router, self.app.options.default_locale):
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
        try:
            await self._receive([update])
        except Exception:  # not stored: not a 200, so Telegram delivers it again
            log.exception("webhook update %s could not be stored", update.update_id)
            return web.Response(status=500)
        return web.Response()

    # -- updates in ----------------------------------------------------------------------

    async def _receive(self, updates: list[Update] | tuple[Update, ...]) -> None:
        """Store the updates in the inbox, then queue the new ones in their users' lanes."""
        entries = [
            InboxEntry(dedupe_key(self.bot_id, u.update_id), PLATFORM, lane, u.to_dict())
            for u in updates
            if (lane := lane_key(u)) is not None
        ]
        fresh = await self.inbox.receive(entries)
        if len(fresh) < len(entries):
            log.info(
                "%d updates already in the inbox; not handled again", len(entries) - len(fresh)
            )
        self._submit([e for e in entries if e.key in fresh])

    def _submit(self, entries: list[InboxEntry]) -> None:
        assert self.lanes is not None
        for entry in entries:
            self.lanes.submit(entry.lane, lambda e=entry: self._answer(e))

    async def _resume(self, entries: list[InboxEntry]) -> None:
        self._submit(entries)

    async def _answer(self, entry: InboxEntry) -> None:
        """Handle one inbox row and mark it done once its replies went out or were queued."""
        await self._process(Update.de_json(entry.payload, self.bot))
        await self.inbox.done(entry.key)

    async def _process(self, update: Update) -> None:
        chat = update.effective_chat
        user = update.effective_user
        locale = normalize_locale(user.language_code if user else None)
        key = dedupe_key(self.bot_id, update.update_id)
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
                unsupported = Reply(self._t(locale)("telegram.unsupported"))
                await self.reply(inbound.chat_id, [unsupported], key)
                return
            if self.core is not None:
                replies = await self.core.handle(inbound)
            else:
                replies = await asyncio.to_thread(self.handle, inbound)
            await self.reply(inbound.chat_id, replies, inbound.dedupe_key)
        except Exception:
            ref_id = uuid.uuid4().hex[:8]
            log.exception("telegram update %s failed ref=%s", update.update_id, ref_id)
            if chat is not None:
                apology = self._t(locale)("error.internal", ref=ref_id)
                await self.reply(str(chat.id), [Reply(apology)], f"{key}:apology")

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

    # -- replies out ---------------------------------------------------------------------

    async def reply(self, chat_id: str, replies: list[Reply], key: str | None = None) -> None:
        """Send the answer to an update now, waiting out a few 429s; what the Bot API does not
        take now goes to the outbox under `<key>:reply:<n>` (with no key, it is dropped)."""
        if key is None:
            key = f"tg:{self.bot_id}:unkeyed:{uuid.uuid4().hex}"
        await self.replies.deliver(chat_id, replies, key, lambda r: self._send_now(chat_id, r))

    async def _send_now(self, chat_id: str, reply: Reply) -> None:
        """One reply's Bot API calls, 429s waited out; failures as the outbox's errors.

        Once part of the reply is out, a failure is final (sending it again would repeat
        that part)."""
        for n, call in enumerate(reply_calls(self.bot, chat_id, reply)):
            for attempt in range(REPLY_TRIES):
                try:
                    await call()
                    break
                except RetryAfter as exc:
                    wait = retry_after_seconds(exc)
                    log.info("429 replying to %s; waiting %.1f s", chat_id, wait)
                    if attempt == REPLY_TRIES - 1:
                        raise self._failed(n, as_send_error(exc)) from exc
                    await asyncio.sleep(wait)
                except Forbidden as exc:
                    log.info("chat %s blocked the bot; reply dropped", chat_id)
                    raise as_send_error(exc) from exc
                except TelegramError as exc:
                    raise self._failed(n, as_send_error(exc)) from exc

    @staticmethod
    def _failed(call: int, error: SendError) -> SendError:
        if call > 0 and isinstance(error, RetryLater):
            return PermanentFailure(f"partly delivered: {error}")
        return error

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


async def _unless_stopped(call: Awaitable[Any], stop: asyncio.Event) -> Any | None:
    """The call's result, or None (the call cancelled) once `stop` is set first."""
    task = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return None


def build(app: App, **options: Any) -> TelegramService:
    return TelegramService(app, **options)
