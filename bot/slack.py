"""Slack transport on Bolt: `/dealer <command>` for everyone, DMs for dealers, buttons, files.

HTTP mode serves Bolt (signature and 5-minute timestamp check) on `[slack] listen` at
/slack/events; Socket Mode connects with the app token instead. Every request is acknowledged
at once and handled in a background task (the core runs in a thread), so slow work never
delays the 3-second ack. A repeated request (an Events API retry, the same trigger_id) finds
its dedupe key already stored and is neither handled nor answered again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.config import ConfigError, SlackSettings
from bot.lanes import Lanes
from bot.outbox import OutboxDispatcher
from bot.slack_blocks import ACTION_PREFIX, pressed
from bot.slack_inbound import (
    COMMAND,
    PLATFORM,
    Request,
    file_key,
    from_action,
    from_command,
    from_file_shared,
    from_message,
)
from bot.slack_sender import Destination, FileTooLarge, PartlySent, SlackSender, classify
from bot.transport import PermanentFailure, RetryLater, Undeliverable
from domain.outbox import OutgoingMessage
from handlers.conversation import Conversation
from handlers.i18n import Translator
from handlers.messages import Attachment, Inbound, Reply

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SHUTDOWN_GRACE = 10.0


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


class SlackService:
    name = PLATFORM

    def __init__(
        self, app: App, *, conversation: Conversation | None = None, dispatch: bool = True
    ) -> None:
        s = app.settings.slack
        check_settings(s)
        self.settings = s
        self.conversation = conversation or app.conversation
        self.uow_factory = app.uow_factory
        self.clock = app.clock
        self.default_locale = app.options.default_locale
        token = s.bot_token.get_secret_value()
        # No automatic retries: a resent chat.postMessage would be a second message.
        self.client = AsyncWebClient(token=token, base_url=s.api_base_url, retry_handlers=[])
        self.sender = SlackSender(self.client, token=token, api_base_url=s.api_base_url)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=s.signing_secret.get_secret_value() or None,
            request_verification_enabled=s.mode == "http",
            logger=logging.getLogger("bot.slack.bolt"),
        )
        self.bolt.command(COMMAND)(self._on_command)
        self.bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self._on_action)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("file_shared")(self._on_file_shared)
        self.dispatcher = OutboxDispatcher(
            PLATFORM, self.sender.send, app.uow_factory, app.clock, rate=20, per_chat_interval=1.0
        )
        self.dispatch = dispatch  # False: another task or process delivers the outbox
        self.port: int | None = None
        self.ready = asyncio.Event()
        self.lanes = Lanes()
        self._inflight: set[str] = set()

    # -- Bolt listeners: acknowledge, then work in the background ------------------------

    async def _on_command(self, ack, body: dict[str, Any]) -> None:
        await ack()
        self._submit(from_command(body))

    async def _on_action(self, ack, body: dict[str, Any]) -> None:
        await ack()
        self._submit(from_action(body))

    async def _on_message(self, body: dict[str, Any]) -> None:  # events are acked by Bolt
        self._submit(from_message(body))

    async def _on_file_shared(self, body: dict[str, Any], context) -> None:
        request = from_file_shared(body)
        if request is not None and request.user != context.bot_user_id:  # not our own uploads
            self._submit(request)

    def _submit(self, request: Request | None) -> None:
        """Handle in the background, one user's requests in the order they arrived."""
        if request is not None:
            self.lanes.submit(request.user_id, lambda: self._handle(request))

    # -- handling ------------------------------------------------------------------------

    async def _handle(self, request: Request) -> None:
        dm = request.channel if request.in_dm else await self.sender.dm_channel(request.user)
        if request.files:
            await self._handle_files(request, dm)
            return
        # Files go to the DM; text answers where the user typed (privately) unless that is the DM.
        where = None if request.channel == dm else request.response_url
        dest = Destination(dm, where)
        if request.message is not None and request.response_url:
            await self._mark_pressed(request)
        await self._run_once(request.inbound(dm), dest)

    async def _handle_files(self, request: Request, dm: str) -> None:
        if request.channel and request.channel != dm:
            return  # files shared in channels are not for the bot
        for file in request.files:
            key = file_key(request.team, file["id"])
            async with self._claim(key) as fresh:
                if fresh:
                    await self._handle_file(request, dm, file, key)

    async def _handle_file(self, request: Request, dm: str, file: dict[str, Any], key: str) -> None:
        try:
            if "url_private" not in file and "url_private_download" not in file:
                file = await self.sender.file_info(file["id"])
            content = await self.sender.download(file)
        except FileTooLarge:
            await self._tell(request, dm, "slack.file_too_large", name=file.get("name", ""))
            return
        except (SlackApiError, PermanentFailure, OSError, TimeoutError) as exc:
            log.warning("slack file download failed: %r", exc)
            await self._tell(request, dm, "slack.file_download_failed")
            return
        mime = file.get("mimetype") or "application/octet-stream"
        attachment = Attachment(file.get("name") or "file", content, mime)
        await self._answer(request.inbound(dm, file=attachment, key=key), Destination(dm))

    async def _run_once(self, inbound: Inbound, dest: Destination) -> None:
        async with self._claim(inbound.dedupe_key or "") as fresh:
            if fresh:
                await self._answer(inbound, dest)

    @contextlib.asynccontextmanager
    async def _claim(self, key: str) -> AsyncIterator[bool]:
        """True if this request is new: not being handled now, not handled before."""
        if key in self._inflight:
            yield False  # a retry of a request still being handled
            return
        self._inflight.add(key)
        try:
            seen = await asyncio.to_thread(self._seen, key)
            if seen:
                log.info("slack request %s already handled; not answering twice", key)
            yield not seen
        finally:
            self._inflight.discard(key)

    async def _answer(self, inbound: Inbound, dest: Destination) -> None:
        replies = await self.conversation.handle_async(inbound)  # the core, in a thread
        for n, reply in enumerate(replies):
            await self._deliver(reply, dest, f"{inbound.dedupe_key}:reply:{n}")

    async def _deliver(self, reply: Reply, dest: Destination, key: str) -> None:
        """Answer now; what Slack cannot take now, the outbox delivers later."""
        try:
            await self.sender.post(dest, reply)
            return
        except PartlySent as exc:  # the text is out: only the files are still owed
            later: Reply | None = Reply("", image=reply.image, document=reply.document)
            key, error = f"{key}:files", exc.__cause__ or exc
        except SlackApiError as exc:
            error = classify(exc)
            later = reply if isinstance(error, RetryLater) else None
        except (PermanentFailure, Undeliverable) as exc:
            later, error = None, exc
        except Exception as exc:  # network: try again through the outbox
            later, error = reply, exc
        if later is None:
            log.warning("slack reply %s not delivered: %r", key, error)
            return
        log.warning("slack reply %s deferred to the outbox: %r", key, error)
        await asyncio.to_thread(self._enqueue, dest.channel, later, key)

    async def _mark_pressed(self, request: Request) -> None:
        """Replace the pressed buttons with the choice, so a second press is not offered."""
        body = pressed(request.message or {}, request.pressed_label)
        if body is not None and request.response_url:
            await self.sender.respond_raw(request.response_url, {"replace_original": True, **body})

    async def _tell(self, request: Request, dm: str, key: str, **params: Any) -> None:
        locale = await asyncio.to_thread(self._locale, request.user_id)
        reply = Reply(Translator(locale)(key, **params))
        await self._deliver(reply, Destination(dm), f"{request.key}:{key}")

    # -- database (in a thread) ----------------------------------------------------------

    def _seen(self, key: str) -> bool:
        with self.uow_factory() as uow:
            return uow.inbound.replies_for(key) is not None

    def _locale(self, user_id: str) -> str:
        with self.uow_factory() as uow:
            actor = uow.identities.find(PLATFORM, user_id)
        return (actor.locale if actor else None) or self.default_locale

    def _enqueue(self, channel: str, reply: Reply, key: str) -> None:
        with self.uow_factory() as uow:
            uow.outbox.enqueue(
                OutgoingMessage(key, PLATFORM, channel, reply.to_dict()), self.clock.now()
            )
            uow.commit()

    # -- serving -------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await self.bolt.async_dispatch(await to_bolt_request(request))
        )

    async def run(self, stop: asyncio.Event) -> None:
        pump = None
        if self.dispatch:
            pump = asyncio.create_task(self.dispatcher.run(stop), name="slack-outbox")
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
            if self.client.session is not None:
                await self.client.session.close()

    async def _run_http(self, stop: asyncio.Event) -> None:
        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, self._dispatch)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        host, port = parse_listen(self.settings.listen)
        sock = socket.create_server((host, port), reuse_port=False)
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


def build(app: App) -> SlackService:
    return SlackService(app)
