"""Feishu (飞书) transport on the official SDK, lark-oapi.

Events arrive over the long connection (longconn.py: the SDK's WebSocket client on a thread
of its own) or, in `mode = "http"`, as signed callbacks (callback.py). Each event is stored
in the inbox (bot/transports/inbox.py) under `feishu:<tenant>:<event_id>` before Feishu is
told it arrived, then handled in its user's lane on the bot's loop; Feishu pushes an event
again when it is not acknowledged within 3 s (and the SDK does not deduplicate), and the
inbox keeps such a second push from being handled again. The core stores the same key with
the effect, in one transaction.

A card's button press goes the way of a press on any platform (its payload carries the
form's step tag); the press is acknowledged with a toast at once, the card loses its
buttons, and a reply meant to replace the pressed card (a decided approval) is patched into
it, for everyone it was shown to. Replies go out at once with a `uuid` per message from
their key; what Feishu does not take now goes to the outbox, delivered at 15 messages/s
overall (under 1,000 a minute per app) and 5 a second per user.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

from bot.app import App
from bot.config import ConfigError, FeishuSettings
from bot.transports.base import SendError, Transport
from bot.transports.direct_replies import DirectReplies
from bot.transports.feishu import cards
from bot.transports.feishu.callback import serve
from bot.transports.feishu.cards import Outgoing
from bot.transports.feishu.inbound import CARD, MESSAGE, PLATFORM, Event, parse
from bot.transports.feishu.longconn import LongConnection
from bot.transports.feishu.sender import FeishuSender
from bot.transports.inbox import Inbox
from bot.transports.outbox import SENDING, OutboxDispatcher, outbox_options
from domain.shared.inbox import InboxEntry
from handlers.core.conversation import Conversation
from handlers.core.i18n import Translator
from handlers.core.messages import Attachment, Inbound, Reply
from handlers.core.ordering import Lanes

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 10.0
CONNECT_WAIT = 60.0


def check_settings(s: FeishuSettings) -> None:
    if not s.app_id or not s.app_secret.get_secret_value():
        raise ConfigError("feishu.app_id and feishu.app_secret are required for Feishu")
    if s.mode == "http" and not s.encrypt_key.get_secret_value():
        raise ConfigError("feishu.encrypt_key is required in HTTP mode (callbacks are verified)")


class FeishuService(Transport):
    name = PLATFORM
    platform = PLATFORM
    outbox_rate = 15.0  # under 1,000 messages a minute per app, room left for answers
    per_chat_interval = 0.2  # 5 messages a second per user

    def __init__(
        self,
        app: App,
        *,
        conversation: Conversation | None = None,
        dispatch: bool = True,
        concurrency: int = 8,
    ) -> None:
        s = app.settings.feishu
        check_settings(s)
        self.settings = s
        self.conversation = conversation or app.conversation
        self.uow_factory = app.uow_factory
        self.default_locale = app.options.default_locale
        self.sender = FeishuSender(s.app_id, s.app_secret.get_secret_value(), s.domain)
        self.inbox = Inbox(PLATFORM, app.uow_factory, app.clock, app.settings.inbox.lease_seconds)
        self.replies = DirectReplies(PLATFORM, app.uow_factory, app.clock)
        self.dispatcher = OutboxDispatcher(
            PLATFORM,
            self.send,
            app.uow_factory,
            app.clock,
            rate=self.outbox_rate,
            per_chat_interval=self.per_chat_interval,
            **outbox_options(app.settings),
        )
        self.dispatch = dispatch  # False: another task or process delivers the outbox
        self.concurrency = concurrency
        self.lanes: Lanes | None = None
        self.ready = asyncio.Event()
        self.port: int | None = None  # HTTP mode: where callbacks are served
        self._arriving: list[tuple[InboxEntry, asyncio.Future[bool]]] = []
        self._storing: asyncio.Task[None] | None = None

    # -- events in: store, acknowledge, then work in the lanes ----------------------------

    async def on_frame(self, kind: str, payload: bytes, frame_id: str) -> dict[str, Any] | None:
        """One pushed event (a long-connection frame): stored before it is acknowledged.
        Returns the acknowledgement's answer (a card press's toast). Raises if not stored."""
        try:
            body = json.loads(payload.decode("utf-8"))
        except ValueError:
            log.warning("feishu frame %s is not JSON; dropped", frame_id)
            return None
        return await self.receive(body, frame_id)

    async def receive(self, body: dict[str, Any], frame_id: str = "") -> dict[str, Any] | None:
        event = parse(body, frame_id)
        if event is None:
            return None  # nothing for the bot
        item = InboxEntry(event.key, PLATFORM, event.user_id, {"id": frame_id, "body": body})
        if not await self._store(item):
            log.info("feishu event %s already received; not handled twice", item.key)
        if event.kind == CARD:
            return {"toast": {"type": "info", "content": f"→ {event.pressed_label}"}}
        return None

    async def _store(self, item: InboxEntry) -> bool:
        """Store the event in the inbox (and queue it when new); True if it was new.

        Group commit: events pushed while a commit is under way are stored together by the
        next one (one transaction for all), so a burst of pushes is acknowledged within
        Feishu's 3 s instead of queueing one transaction each behind the database."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._arriving.append((item, done))
        if self._storing is None or self._storing.done():
            self._storing = asyncio.create_task(self._store_arrived())
        return await done

    async def _store_arrived(self) -> None:
        while self._arriving:
            batch, self._arriving = self._arriving, []
            unique = list({item.key: item for item, _ in batch}.values())
            try:
                fresh = await self.inbox.receive(unique)
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            self._submit([item for item in unique if item.key in fresh])
            queued: set[str] = set()
            for item, done in batch:  # a key pushed twice in one batch is new once
                new = item.key in fresh and item.key not in queued
                queued.add(item.key)
                if not done.done():
                    done.set_result(new)

    def _submit(self, entries: list[InboxEntry]) -> None:
        assert self.lanes is not None
        for entry in entries:
            self.lanes.submit(entry.lane, lambda e=entry: self._answer(e))

    async def _resume(self, entries: list[InboxEntry]) -> None:
        self._submit(entries)

    async def _answer(self, entry: InboxEntry) -> None:
        event = parse(entry.payload["body"], entry.payload.get("id", ""))
        if event is not None:
            try:
                await self._handle(event)
            except Exception:
                ref = uuid.uuid4().hex[:8]
                log.exception("feishu event %s failed ref=%s", event.key, ref)
                locale = await asyncio.to_thread(self._locale, event.user_id)
                apology = Reply(Translator(locale)("error.internal", ref=ref))
                await self._deliver(event, [apology], f"{event.key}:apology")
        await self.inbox.done(entry.key)

    async def _handle(self, event: Event) -> None:
        if event.kind == CARD:
            await self._mark_pressed(event)
        if event.in_group:  # answered in the group, quoting the message: nothing else there
            await self._tell(event, "private.only")
            return
        if not event.supported:
            await self._tell(event, "feishu.unsupported")
            return
        attachment = None
        if event.file is not None:
            try:
                content = await self.sender.download(event.file)
            except SendError as exc:
                ref = uuid.uuid4().hex[:8]
                log.warning("feishu download %s failed ref=%s: %r", event.file.key, ref, exc)
                await self._tell(event, "feishu.download_failed", ref=ref)
                return
            attachment = Attachment(event.file.name, content, _mime(event.file.name))
        name = await self.sender.name(event.open_id)
        replies = await self.conversation.handle_async(self.to_inbound(event, name, attachment))
        if event.kind == CARD:
            replies = [r for r in replies if not await self._replace_pressed(event, r)]
        await self._deliver(event, replies, event.key)

    async def _mark_pressed(self, event: Event) -> None:
        """Take the pressed card's buttons away (when this process sent it and knows its
        text), so it is not pressed again; the form's step tag refuses a stale press anyway."""
        text = self.sender.cards.get(event.message_id)
        if text is None:
            return
        try:
            await self.sender.patch(event.message_id, cards.pressed(text, event.pressed_label))
        except SendError as exc:
            log.info("feishu: marking card %s pressed failed: %r", event.message_id, exc)

    async def _replace_pressed(self, event: Event, reply: Reply) -> bool:
        """Patch `reply` into the pressed card; False if it is not meant to or Feishu
        refused (then it goes out as a new message)."""
        if not reply.replaces_pressed or not event.message_id or reply.image or reply.document:
            return False
        try:
            await self.sender.patch(event.message_id, cards.decided(reply))
        except SendError as exc:
            log.info("feishu: updating card %s failed, sending anew: %r", event.message_id, exc)
            return False
        self.sender.cards[event.message_id] = reply.text
        return True

    async def _deliver(self, event: Event, replies: list[Reply], key: str) -> None:
        """Answer now, each reply under `<key>:reply:<n>` (its uuid; the outbox's key if it
        must wait there); the first answer to a message quotes it."""
        sent = 0

        async def send(reply: Reply) -> None:
            nonlocal sent
            n, sent = sent, sent + 1
            to = event.message_id if event.kind == MESSAGE and n == 0 else ""
            await self.sender.post(event.chat_id, reply, f"{key}:reply:{n}", reply_to=to)

        await self.replies.deliver(event.chat_id, replies, key, send)

    async def _tell(self, event: Event, text_key: str, **params: Any) -> None:
        locale = await asyncio.to_thread(self._locale, event.user_id)
        reply = Reply(Translator(locale)(text_key, **params))
        await self._deliver(event, [reply], f"{event.key}:{text_key}")

    def _locale(self, user_id: str) -> str:
        with self.uow_factory() as uow:
            actor = uow.identities.find(PLATFORM, user_id)
        return (actor.locale if actor else None) or self.default_locale

    # -- the transport contract -----------------------------------------------------------

    def dedupe_key(self, update: Event) -> str:
        """`feishu:<tenant>:<event_id>` (bot/transports/feishu/inbound.py)."""
        return update.key

    def to_inbound(
        self, update: Event, display_name: str = "", file: Attachment | None = None
    ) -> Inbound:
        return update.inbound(display_name=display_name, file=file)

    def render(self, chat_id: str, reply: Reply) -> list[Outgoing]:
        return cards.render(reply)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """The outbox's sender: one proactive message to a user's open id, its uuid from the
        outbox row's key."""
        key = SENDING.get() or f"unkeyed:{uuid.uuid4().hex}"
        await self.sender.post(chat_id, reply, key)

    # -- serving --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        self.lanes = Lanes(self.concurrency)
        tasks: list[asyncio.Task[None]] = []
        connection: LongConnection | None = None
        server = None
        try:
            if self.dispatch:
                tasks.append(asyncio.create_task(self.dispatcher.run(stop), name="feishu-outbox"))
            # What a dead process left goes into the lanes before anything new.
            self._submit(await self.inbox.recover())
            tasks.append(asyncio.create_task(self.inbox.run(stop, self._resume), name="fs-inbox"))
            if self.settings.mode == "http":
                server, self.port = await serve(self.receive, self.settings)
            else:
                connection = LongConnection(
                    self.settings.app_id,
                    self.settings.app_secret.get_secret_value(),
                    self.settings.domain,
                    self.on_frame,
                )
                connection.start(asyncio.get_running_loop())
                await asyncio.to_thread(connection.connected.wait, CONNECT_WAIT)
                if connection.error is not None:
                    raise connection.error
            log.info("feishu %s mode started", self.settings.mode)
            self.ready.set()
            await stop.wait()
        finally:
            stop.set()
            if connection is not None:
                await asyncio.to_thread(connection.close)
            if server is not None:
                await server.cleanup()
            if not await self.lanes.join(SHUTDOWN_GRACE):
                log.warning("feishu stopped with %d events in progress", self.lanes.pending)
            for task in tasks:
                with contextlib.suppress(Exception):
                    await task
            self.sender.close()


def _mime(name: str) -> str:
    lower = name.lower()
    if lower.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    if lower.endswith(".png"):
        return "image/png"
    if lower.endswith(".xlsx"):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if lower.endswith(".csv"):
        return "text/csv"
    return "application/octet-stream"


def build(app: App, **options: Any) -> FeishuService:
    return FeishuService(app, **options)
