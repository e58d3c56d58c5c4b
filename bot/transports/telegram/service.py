"""Telegram transport on python-telegram-bot, sharing the process's asyncio loop.

Updates arrive by long polling (default; a loop of our own on `Bot.get_updates`, polling.py)
or by webhook (an aiohttp endpoint that checks the secret-token header, webhook.py). Each
batch is stored in the inbox (bot/transports/inbox.py) before Telegram is told it arrived:
before the next `getUpdates` offset confirms it, before the webhook's 200. Then each new
update goes into its user's lane: one user's updates are handled in order, different users
concurrently. On start, updates a dead process left in the inbox are handled first. Each
update becomes an Inbound with the dedupe key `tg:<bot id>:<update_id>` and is answered in
answering.py; a redelivery of a stored update is not handled again.

Replies to an update are sent at once (waiting out a few 429s); a reply the Bot API does not
take now (5xx, a timeout) goes to the outbox (bot/transports/direct_replies.py); the Bot API
calls and their errors are in sending.py. Proactive messages go through the outbox dispatcher
at 30 messages/s overall and one per second per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot

from bot.app import App
from bot.core_process import CoreProcesses
from bot.transports.base import Transport
from bot.transports.direct_replies import DirectReplies
from bot.transports.inbox import Inbox
from bot.transports.outbox import OutboxDispatcher, outbox_options
from bot.transports.telegram import mapping
from bot.transports.telegram.answering import Answering
from bot.transports.telegram.http import AiohttpRequest
from bot.transports.telegram.mapping import (
    PLATFORM,
    lane_key,
    menus,
    reply_calls,
)
from bot.transports.telegram.polling import poll
from bot.transports.telegram.sending import TelegramSender
from bot.transports.telegram.webhook import Webhook
from domain.shared.inbox import InboxEntry
from handlers.core.messages import Attachment, Inbound, Reply
from handlers.core.ordering import Lanes

log = logging.getLogger(__name__)


class TelegramService(Transport):
    name = "telegram"
    platform = PLATFORM
    outbox_rate = 30.0  # the Bot API's limit overall
    per_chat_interval = 1.0  # and per chat

    def __init__(
        self,
        app: App,
        *,
        handle: Callable[[Inbound], list[Reply]] | None = None,
        poll_timeout: float | None = None,
        dispatcher_options: dict[str, Any] | None = None,
        drain_timeout: float = 10.0,
        concurrency: int = 8,
        core: CoreProcesses | None = None,
    ) -> None:
        self.app = app
        self.settings = app.settings.telegram
        self.handle = handle or app.conversation.handle
        # The core in worker processes, when configured (a custom `handle` stays in threads).
        # `core` given: shared with other transports, started and closed by whoever made it.
        self.core: CoreProcesses | None = core
        self._owns_core = core is None
        if core is None and handle is None and self.settings.core_processes > 0:
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
                "rate": self.outbox_rate,
                "per_chat_interval": self.per_chat_interval,
                **outbox_options(app.settings),
                **(dispatcher_options or {}),
            },
        )
        self.inbox = Inbox(PLATFORM, app.uow_factory, app.clock, app.settings.inbox.lease_seconds)
        self.replies = DirectReplies(PLATFORM, app.uow_factory, app.clock)
        self.sender = TelegramSender(self.bot)
        self.webhook = Webhook(self.settings, self.bot, self._receive)
        self.answering = Answering(
            self.bot,
            app.options.default_locale,
            key=self.dedupe_key,
            to_inbound=self.to_inbound,
            handle=self._handle,
            reply=self.reply,
        )
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
            if self.core is not None and self._owns_core:
                await self.core.start()
            await self._set_menu()
            # What a dead process left goes into the lanes before anything new.
            self._submit(await self.inbox.recover())
            tasks.append(asyncio.create_task(self.inbox.run(stop, self._resume), name="tg-inbox"))
            if self.settings.mode == "webhook":
                await self.webhook.start()
            else:
                await self.bot.delete_webhook()
                polling = poll(self.bot, stop, self.poll_timeout, self._receive)
                tasks.append(asyncio.create_task(polling, name="telegram-polling"))
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
        await self.webhook.close()
        if self.lanes is not None and not await self.lanes.join(self.drain_timeout):
            # Still in the inbox: the next start (or another worker) answers them.
            log.warning("telegram stopped with %d updates still in progress", self.lanes.pending)
        for task in tasks:
            with contextlib.suppress(Exception):
                await task
        if self.core is not None and self._owns_core:
            await self.core.close()
        await self.application.shutdown()

    async def _set_menu(self) -> None:
        for language, commands in menus(self.app.router, self.app.options.default_locale):
            try:
                await self.bot.set_my_commands(commands, language_code=language)
            except TelegramError as exc:  # the menu is a convenience; the bot works without it
                log.warning("setMyCommands(%s) failed: %r", language, exc)

    # -- updates in ----------------------------------------------------------------------

    async def _receive(self, updates: list[Update] | tuple[Update, ...]) -> None:
        """Store the updates in the inbox, then queue the new ones in their users' lanes."""
        entries = [
            InboxEntry(self.dedupe_key(u), PLATFORM, lane, u.to_dict())
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
        await self.answering.answer(Update.de_json(entry.payload, self.bot))
        await self.inbox.done(entry.key)

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        """The core: in the worker processes when configured, else in a thread."""
        if self.core is not None:
            return await self.core.handle(inbound)
        return await asyncio.to_thread(self.handle, inbound)

    # -- replies out ---------------------------------------------------------------------

    async def reply(self, chat_id: str, replies: list[Reply], key: str | None = None) -> None:
        """Send the answer to an update now, waiting out a few 429s; what the Bot API does not
        take now goes to the outbox under `<key>:reply:<n>` (with no key, it is dropped)."""
        if key is None:
            key = f"tg:{self.bot_id}:unkeyed:{uuid.uuid4().hex}"
        now = self.sender.send_now
        await self.replies.deliver(chat_id, replies, key, lambda r: now(chat_id, r))

    # -- the transport contract ------------------------------------------------------------

    def dedupe_key(self, update: Update) -> str:
        """`tg:<bot id>:<update_id>`."""
        return mapping.dedupe_key(self.bot_id, update.update_id)

    def to_inbound(self, update: Update, attachment: Attachment | None = None) -> Inbound | None:
        return mapping.to_inbound(update, self.bot_id, attachment)

    def render(self, chat_id: str, reply: Reply) -> list[Callable[[], Any]]:
        """The Bot API calls that send `reply` (text with its keyboard, then the files)."""
        return reply_calls(self.bot, chat_id, reply)

    async def send(self, chat_id: str, reply: Reply) -> None:
        await self.sender.send(chat_id, reply)


def build(app: App, **options: Any) -> TelegramService:
    return TelegramService(app, **options)
