"""Slack transport on Bolt: `/dealer <command>` for everyone, DMs for dealers, buttons, files.

HTTP mode serves Bolt (signature and 5-minute timestamp check) on `[slack] listen` at
/slack/events; Socket Mode connects with the app token instead. Bolt runs each listener before
it acknowledges (`process_before_response`, events included), and a listener only stores the
request in the inbox (bot/transports/inbox.py, one insert) and queues it: the ack follows the
insert, and the work runs in a background task (the core in a thread), so slow work never
delays the 3-second ack. A request that could not be stored is not acknowledged (Slack retries
events). A repeated request (an Events API retry, the same trigger_id) is already in the inbox
and is neither handled nor answered again; on start, requests a dead process left there are
handled first."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.config import ConfigError, SlackSettings
from bot.transports.base import Transport
from bot.transports.inbox import Inbox
from bot.transports.outbox import OutboxDispatcher, outbox_options
from bot.transports.slack.blocks import ACTION_PREFIX, render
from bot.transports.slack.inbound import COMMAND, PLATFORM, Request
from bot.transports.slack.inbox import ACTION, COMMAND_KIND, FILE_SHARED, MESSAGE, entry, request_of
from bot.transports.slack.requests import SlackRequests
from bot.transports.slack.sender import SEND_TIMEOUT, SlackSender
from handlers.core.conversation import Conversation
from handlers.core.messages import Inbound, Reply
from handlers.core.ordering import Lanes

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SHUTDOWN_GRACE = 10.0
# chat.postMessage: about 1 message/s per channel and "several hundred per minute" per
# workspace; staying under 300/min leaves room for interactive answers and avoids 429 storms.
OUTBOX_RATE = 5.0


def parse_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def check_settings(s: SlackSettings) -> None:
    if not s.bot_token.get_secret_value():
        raise ConfigError("slack.bot_token is required for the Slack transport")
    if s.mode == "http" and not s.signing_secret.get_secret_value():
        raise ConfigError("slack.signing_secret is required in HTTP mode (requests are verified)")
    if s.mode == "socket" and not s.app_token.get_secret_value():
        raise ConfigError("slack.app_token (xapp-...) is required in socket mode")


class SlackService(Transport):
    name = PLATFORM
    platform = PLATFORM
    outbox_rate = OUTBOX_RATE
    per_chat_interval = 1.0

    def __init__(
        self, app: App, *, conversation: Conversation | None = None, dispatch: bool = True
    ) -> None:
        s = app.settings.slack
        check_settings(s)
        self.settings = s
        token = s.bot_token.get_secret_value()
        # No automatic retries: a resent chat.postMessage would be a second message.
        self.client = AsyncWebClient(
            token=token, base_url=s.api_base_url, retry_handlers=[], timeout=SEND_TIMEOUT
        )
        self.sender = SlackSender(
            self.client,
            token=token,
            api_base_url=s.api_base_url,
            commands=app.router.known_names(),
        )
        self.requests = SlackRequests(
            conversation or app.conversation,
            self.sender,
            app.uow_factory,
            app.clock,
            app.options.default_locale,
        )
        self.inbox = Inbox(PLATFORM, app.uow_factory, app.clock, app.settings.inbox.lease_seconds)
        self.bolt = AsyncApp(
            client=self.client,
            process_before_response=True,  # listeners store the request before the ack
            signing_secret=s.signing_secret.get_secret_value() or None,
            request_verification_enabled=s.mode == "http",
            logger=logging.getLogger("bot.transports.slack.service.bolt"),
        )
        self.bolt.command(COMMAND)(self._on_command)
        self.bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self._on_action)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("file_shared")(self._on_file_shared)
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
        self.port: int | None = None
        self.ready = asyncio.Event()
        self.lanes = Lanes()

    # -- Bolt listeners: store, acknowledge, then work in the background ----------------
    # A listener that raises makes Bolt answer 500 instead of the ack: Slack tries again.

    async def _on_command(self, ack, body: dict[str, Any]) -> None:
        await self._receive(COMMAND_KIND, body)
        await ack()

    async def _on_action(self, ack, body: dict[str, Any]) -> None:
        await self._receive(ACTION, body)
        await ack()

    async def _on_message(self, ack, body: dict[str, Any]) -> None:
        await self._receive(MESSAGE, body)
        await ack()

    async def _on_file_shared(self, ack, body: dict[str, Any], context) -> None:
        if body.get("event", {}).get("user_id") != context.bot_user_id:  # not our own uploads
            await self._receive(FILE_SHARED, body)
        await ack()

    async def _receive(self, kind: str, body: dict[str, Any]) -> None:
        """Store the request in the inbox and queue it if it is new; raises if not stored."""
        request = request_of(kind, body)
        if request is None:
            return  # nothing for the bot
        item = entry(kind, body, request)
        try:
            fresh = await self.inbox.receive([item])
        except Exception:
            log.exception("slack request %s could not be stored; not acknowledged", item.key)
            raise
        if item.key in fresh:
            self._submit(item.key, request)
        else:
            log.info("slack request %s already received; not handled twice", item.key)

    def _submit(self, key: str, request: Request) -> None:
        """Handle in the background, one user's requests in the order they arrived."""
        self.lanes.submit(request.user_id, lambda: self._answer(key, request))

    async def _answer(self, key: str, request: Request) -> None:
        await self.requests.handle(request)
        await self.inbox.done(key)

    async def _resume(self, entries) -> None:
        for item in entries:
            request = request_of(item.payload["kind"], item.payload["body"])
            if request is not None:
                self._submit(item.key, request)

    # -- the transport contract: Slack's side of it is in slack/ (inbound, blocks, sender) ----

    def dedupe_key(self, update: Request) -> str:
        """`slack:<team>:...` per request kind (bot/transports/slack/inbound.py)."""
        return update.key

    def to_inbound(self, update: Request, chat_id: str) -> Inbound:
        """The request as the core's Inbound, answered in `chat_id` (the user's DM)."""
        return update.inbound(chat_id)

    def render(self, chat_id: str, reply: Reply) -> dict[str, Any]:
        return render(reply, self.sender.commands)

    async def send(self, chat_id: str, reply: Reply) -> None:
        await self.sender.send(chat_id, reply)

    # -- serving -------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await self.bolt.async_dispatch(await to_bolt_request(request))
        )

    async def run(self, stop: asyncio.Event) -> None:
        pump = None
        if self.dispatch:
            pump = asyncio.create_task(self.dispatcher.run(stop), name="slack-outbox")
        # What a dead process left goes into the lanes before anything new.
        await self._resume(await self.inbox.recover())
        leases = asyncio.create_task(self.inbox.run(stop, self._resume), name="slack-inbox")
        try:
            if self.settings.mode == "socket":
                await self._run_socket(stop)
            else:
                await self._run_http(stop)
        finally:
            stop.set()
            if not await self.lanes.join(SHUTDOWN_GRACE):
                log.warning("slack stopped with %d requests in progress", self.lanes.pending)
            if pump is not None:
                await pump
            await leases
            if self.client.session is not None:
                await self.client.session.close()

    async def _run_http(self, stop: asyncio.Event) -> None:
        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, self._dispatch)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        host, port = parse_listen(self.settings.listen)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family)
        self.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        log.info("slack: serving %s on %s:%s", EVENTS_PATH, host, self.port)
        self.ready.set()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    async def _run_socket(self, stop: asyncio.Event) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(
            self.bolt, self.settings.app_token.get_secret_value(), web_client=self.client
        )
        await handler.connect_async()
        log.info("slack: connected in socket mode")
        self.ready.set()
        try:
            await stop.wait()
        finally:
            await handler.close_async()


def build(app: App, **options: Any) -> SlackService:
    return SlackService(app, **options)
