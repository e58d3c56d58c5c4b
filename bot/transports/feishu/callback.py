"""`mode = "http"`: Feishu posts events (and card presses) to `[feishu] listen` at
/feishu/events.

A request is taken only when its `X-Lark-Signature` is sha256(timestamp + nonce +
encrypt_key + body) and its verification token matches; the body is AES-256-CBC encrypted
with the encrypt key (the SDK's cipher decrypts it). The `url_verification` request Feishu
sends when the URL is saved is answered with its challenge. An event is answered 200 once
it is stored in the inbox; one that could not be stored gets a 500, and Feishu tries again
(after 15 s, 5 min, 1 h and 6 h).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from lark_oapi.core.utils.decryptor import AESCipher

from bot.config import FeishuSettings

log = logging.getLogger(__name__)

EVENTS_PATH = "/feishu/events"
TIMESTAMP = "X-Lark-Request-Timestamp"
NONCE = "X-Lark-Request-Nonce"
SIGNATURE = "X-Lark-Signature"
# Stores one event (raises if it could not) and returns the answer to send back.
Receive = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8") + body).hexdigest()


class Refused(Exception):
    pass


class Callback:
    def __init__(self, receive: Receive, settings: FeishuSettings) -> None:
        self.receive = receive
        self.encrypt_key = settings.encrypt_key.get_secret_value()
        self.token = settings.verification_token.get_secret_value()
        self.cipher = AESCipher(self.encrypt_key) if self.encrypt_key else None

    def open(self, raw: bytes) -> dict[str, Any]:
        """The request's JSON, decrypted; raises Refused if it is not readable."""
        try:
            body = json.loads(raw.decode("utf-8"))
            if "encrypt" in body:
                if self.cipher is None:
                    raise Refused("an encrypted body and no encrypt_key")
                body = json.loads(self.cipher.decrypt_str(body["encrypt"]))
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            raise Refused(f"unreadable body: {exc!r}") from exc
        if not isinstance(body, dict):
            raise Refused("not an object")
        return body

    def check_token(self, body: dict[str, Any]) -> None:
        token = (body.get("header") or {}).get("token") or body.get("token") or ""
        if self.token and not hmac.compare_digest(str(token), self.token):
            raise Refused("verification token does not match")

    def check_signature(self, request: web.Request, raw: bytes) -> None:
        if not self.encrypt_key:
            return
        expected = signature(
            request.headers.get(TIMESTAMP, ""),
            request.headers.get(NONCE, ""),
            self.encrypt_key,
            raw,
        )
        if not hmac.compare_digest(request.headers.get(SIGNATURE, ""), expected):
            raise Refused("signature does not match")

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = self.open(raw)
            if body.get("type") == "url_verification":
                self.check_token(body)
                return web.json_response({"challenge": body.get("challenge", "")})
            self.check_signature(request, raw)
            self.check_token(body)
        except Refused as exc:
            log.warning("feishu callback refused: %s", exc)
            return web.json_response({"msg": "refused"}, status=401)
        try:
            answer = await self.receive(body)
        except Exception:
            log.exception("feishu callback could not be stored; Feishu will try again")
            return web.json_response({"msg": "try again"}, status=500)
        return web.json_response(answer or {})


def parse_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


async def serve(receive: Receive, settings: FeishuSettings) -> tuple[web.AppRunner, int]:
    """Serve the callback on `settings.listen`; the runner and the port it listens on."""
    callback = Callback(receive, settings)
    app = web.Application()
    app.router.add_post(EVENTS_PATH, callback.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    host, port = parse_listen(settings.listen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    port = sock.getsockname()[1]
    await web.SockSite(runner, sock).start()
    log.info("feishu: serving %s on %s:%s", EVENTS_PATH, host, port)
    return runner, port
