"""A fake Telegram Bot API server (aiohttp) for e2e tests and benchmarks.

It speaks enough of the Bot API for python-telegram-bot: getMe, getUpdates (long poll with
offset confirmation, and `redeliver` to hand out an update again as if its confirmation was
lost), sendMessage, sendPhoto, sendDocument, editMessageReplyMarkup, editMessageText,
answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook, getFile and file download. It can
answer 429 with `retry_after` on demand (`fail_next`), 500 to the next sends (`break_next`), and
enforce Telegram's flood limits (`enforce_limits`: 30 messages/s overall as a token bucket, one
message per second per chat).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.e2e.fake_flood import FloodLimits

SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Sent:
    """One message the bot got through to a chat."""

    method: str
    chat_id: int
    message_id: int
    text: str = ""
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    filename: str = ""
    content: bytes = b""
    at: float = 0.0

    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def data_for(self, label_part: str) -> str:
        for row in self.buttons:
            for b in row:
                if label_part in b["text"]:
                    return b["callback_data"]
        raise AssertionError(f"no button containing {label_part!r} in {self.labels()}")


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-TOKEN", bot_id: int = 123456) -> None:
        self.token = token
        self.bot_id = bot_id
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.rejected_429 = 0
        self.broken_sends = 0  # next message sends answered 500 (`break_next`)
        self.answered_500 = 0
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        self.webhook: dict[str, str] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.edited: list[tuple[int, int]] = []  # (chat, message) whose keyboard was removed
        self.edited_texts: list[tuple[int, int, str]] = []  # (chat, message, new text)
        self.answered: list[str] = []
        self._updates: dict[int, dict[str, Any]] = {}  # not yet confirmed
        self._delivered: dict[int, dict[str, Any]] = {}
        self._forced: set[int] = set()
        self._update_ids = itertools.count(500_001)
        self._message_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._wake = asyncio.Event()
        self.flood = FloodLimits()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server --------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        server = web.Application(client_max_size=64 * 1024 * 1024)
        server.router.add_route("*", "/file/{prefix}/{path:.*}", self._download)
        server.router.add_route("*", "/{prefix}/{method}", self._api)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        self._wake.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what users do -------------------------------------------------------------------

    def _user(self, user: int, language: str) -> dict[str, Any]:
        return {"id": user, "is_bot": False, "first_name": f"User{user}", "language_code": language}

    def _push(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **body}
        self._updates[update["update_id"]] = update
        self._wake.set()
        return update

    def _message(self, user: int, language: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user, "type": "private", "first_name": f"User{user}"},
            "from": self._user(user, language),
            **content,
        }

    def make_message(self, user: int, text: str, language: str = "zh-hans") -> dict[str, Any]:
        """A message update that is not queued (for webhooks)."""
        body = self._message(user, language, text=text)
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": next(self._update_ids), "message": body}

    def say(self, user: int, text: str, language: str = "zh-hans") -> dict[str, Any]:
        update = self.make_message(user, text, language)
        self._updates[update["update_id"]] = update
        self._wake.set()
        return update

    def press(
        self, user: int, data: str, message: Sent | None = None, language: str = "zh-hans"
    ) -> dict[str, Any]:
        msg = {
            "message_id": message.message_id if message else next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user, "type": "private"},
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "DealerBot"},
            "text": message.text if message else "",
        }
        return self._push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": self._user(user, language),
                    "chat_instance": f"ci{user}",
                    "data": data,
                    "message": msg,
                }
            }
        )

    def _store_file(self, folder: str, filename: str, content: bytes) -> tuple[str, str]:
        n = next(self._ids)
        file_id = f"FILE{n}"
        self.files[file_id] = (f"{folder}/file_{n}_{filename}", content)
        return file_id, f"U{n}"

    def upload(
        self, user: int, filename: str, content: bytes, mime: str, caption: str = ""
    ) -> dict[str, Any]:
        file_id, unique = self._store_file("documents", filename, content)
        doc = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_name": filename,
            "mime_type": mime,
            "file_size": len(content),
        }
        extra = {"caption": caption} if caption else {}
        return self._push({"message": self._message(user, "zh-hans", document=doc, **extra)})

    def photo(self, user: int, content: bytes) -> dict[str, Any]:
        file_id, unique = self._store_file("photos", "photo.jpg", content)
        sizes = [
            {"file_id": file_id + "s", "file_unique_id": unique + "s", "width": 90, "height": 90},
            {
                "file_id": file_id,
                "file_unique_id": unique,
                "width": 800,
                "height": 600,
                "file_size": len(content),
            },
        ]
        self.files[file_id + "s"] = self.files[file_id]
        return self._push({"message": self._message(user, "zh-hans", photo=sizes)})

    def redeliver(self, update: dict[str, Any]) -> None:
        """Hand `update` out again, as Telegram does when a confirmation was lost."""
        self._updates[update["update_id"]] = update
        self._forced.add(update["update_id"])
        self._wake.set()

    def fail_next(self, count: int, retry_after: float = 1) -> None:
        """The next `count` message sends are refused with 429 and this retry_after."""
        self.flood.fail_next(count, retry_after)

    def break_next(self, count: int) -> None:
        """The next `count` message sends fail with 500 Internal Server Error (not sent)."""
        self.broken_sends += count

    def enforce_limits(self, on: bool = True) -> None:
        self.flood.enforce(on)

    @property
    def limits(self) -> bool:
        return self.flood.on

    async def post_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """POST `update` to the registered webhook with this secret header; the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as resp,
        ):
            return resp.status

    # -- what tests look at --------------------------------------------------------------

    def to(self, chat: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat]

    def texts(self, chat: int) -> list[str]:
        return [s.text for s in self.to(chat)]

    def pending_updates(self) -> int:
        return len(self._updates)

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 10.0, what: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            await asyncio.sleep(0.01)

    async def reply_to(self, chat: int, after: int, timeout: float = 10.0) -> Sent:
        """The first message to `chat` beyond the first `after` ones."""
        await self.wait_for(lambda: len(self.to(chat)) > after, timeout, f"a reply to {chat}")
        return self.to(chat)[after]

    # -- the Bot API ---------------------------------------------------------------------

    def _ok(self, result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    def _error(self, code: int, description: str, **parameters: Any) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        params: dict[str, Any] = {}
        files: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                else:
                    params[key] = value
        params.update(request.query)
        return params, files

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["prefix"] != f"bot{self.token}":
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await self._params(request)
        self.calls.append((method, params))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._ok(True)
        return await handler(params, files)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["prefix"] != f"bot{self.token}":
            return web.Response(status=401)
        path = request.match_info["path"]
        for file_path, content in self.files.values():
            if file_path == path:
                return web.Response(body=content)
        return web.Response(status=404)

    async def _m_getMe(self, params, files) -> web.Response:
        return self._ok(
            {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": "DealerBot",
                "username": "dealer_test_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    async def _m_getUpdates(self, params, files) -> web.Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            for uid in [u for u in self._updates if u < offset and u not in self._forced]:
                del self._updates[uid]  # confirmed by the offset
            ready = sorted(self._updates)[:limit]
            if ready or time.monotonic() >= deadline:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, deadline - time.monotonic()))
        result = [self._updates[u] for u in ready]
        for u in ready:
            self._forced.discard(u)
            self._delivered[u] = self._updates[u]
        return self._ok(result)

    async def _send(self, method: str, params, text: str, filename="", content=b"") -> Any:
        chat_id = int(params["chat_id"])
        if self.broken_sends:
            self.broken_sends -= 1
            self.answered_500 += 1
            return self._error(500, "Internal Server Error")
        wait = self.flood.wait(chat_id)
        if wait is not None:
            self.rejected_429 += 1
            seconds = max(1, math.ceil(wait))
            return self._error(
                429, f"Too Many Requests: retry after {seconds}", retry_after=seconds
            )
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else {}
        sent = Sent(
            method,
            chat_id,
            next(self._message_ids),
            text,
            markup.get("inline_keyboard", []),
            filename,
            content,
            time.monotonic(),
        )
        self.sent.append(sent)
        result: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "DealerBot"},
        }
        if text:
            result["caption" if method != "sendMessage" else "text"] = text
        return self._ok(result)

    async def _m_sendMessage(self, params, files) -> web.Response:
        return await self._send("sendMessage", params, params.get("text", ""))

    async def _m_sendPhoto(self, params, files) -> web.Response:
        name, content = files.get("photo", ("", b""))
        return await self._send("sendPhoto", params, params.get("caption", ""), name, content)

    async def _m_sendDocument(self, params, files) -> web.Response:
        name, content = files.get("document", ("", b""))
        return await self._send("sendDocument", params, params.get("caption", ""), name, content)

    async def _m_editMessageReplyMarkup(self, params, files) -> web.Response:
        self.edited.append((int(params["chat_id"]), int(params["message_id"])))
        return self._ok(True)

    async def _m_editMessageText(self, params, files) -> web.Response:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        self.edited_texts.append((chat_id, message_id, params.get("text", "")))
        return self._ok(
            {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        )

    async def _m_answerCallbackQuery(self, params, files) -> web.Response:
        self.answered.append(params["callback_query_id"])
        return self._ok(True)

    async def _m_setMyCommands(self, params, files) -> web.Response:
        self.commands[params.get("language_code")] = json.loads(params["commands"])
        return self._ok(True)

    async def _m_setWebhook(self, params, files) -> web.Response:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token", "")}
        return self._ok(True)

    async def _m_deleteWebhook(self, params, files) -> web.Response:
        self.webhook = {}
        return self._ok(True)

    async def _m_getFile(self, params, files) -> web.Response:
        file_id = params["file_id"]
        if file_id not in self.files:
            return self._error(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        return self._ok(
            {
                "file_id": file_id,
                "file_unique_id": "U" + file_id,
                "file_size": len(content),
                "file_path": path,
            }
        )
