"""Webhook mode: an aiohttp endpoint that checks the secret-token header and stores each
update (`receive`) before its 200; an update not stored gets a 500 and comes again."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import ExtBot

from bot.config import TelegramSettings
from bot.transports.telegram.polling import ALLOWED_UPDATES

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Receive = Callable[[list[Update]], Awaitable[None]]


class Webhook:
    def __init__(self, settings: TelegramSettings, bot: ExtBot, receive: Receive) -> None:
        self.settings = settings
        self.bot = bot
        self.receive = receive
        self._web: web.AppRunner | None = None

    async def start(self) -> None:
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

    async def close(self) -> None:
        if self._web is not None:
            await self._web.cleanup()
            self._web = None

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
            await self.receive([update])
        except Exception:  # not stored: not a 200, so Telegram delivers it again
            log.exception("webhook update %s could not be stored", update.update_id)
            return web.Response(status=500)
        return web.Response()
