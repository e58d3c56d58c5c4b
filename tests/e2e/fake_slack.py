"""A small working Slack: the Web API methods the bot calls, response_urls and file hosting.

It records everything the bot sends, so a test reads what a user would have seen.
`fail(method, status, error, retry_after)` makes the next call of a method fail.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = "UBOT"
TEAM = "T1"


@dataclass
class Message:
    """One thing the bot showed a user: a posted message, a response_url answer or a file."""

    kind: str  # "post", "respond", "file"
    channel: str
    text: str
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return [
            (e["text"]["text"], e["value"])
            for b in self.body.get("blocks") or []
            if b.get("type") == "actions"
            for e in b["elements"]
        ]


def blocks_text(body: dict[str, Any]) -> str:
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks:
        parts = [b["text"]["text"] for b in blocks if b.get("type") == "section"]
        if parts:
            return "\n".join(parts)
    return str(body.get("text", ""))


class FakeSlack:
    def __init__(self, token: str = "xoxb-test", app_token: str = "xapp-test") -> None:
        self.token = token
        self.app_token = app_token
        self.socket: web.WebSocketResponse | None = None  # Socket Mode connection
        self.socket_acks: list[dict[str, Any]] = []
        self._connected = asyncio.Event()
        self.locales: dict[str, str] = {}  # user -> Slack locale; others: users.info refused
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: list[Message] = []
        self.uploads: dict[str, bytes] = {}
        self.hosted: dict[str, bytes] = {}  # file name -> bytes served at /files/<name>
        self.downloads: list[tuple[str, str]] = []  # (name, Authorization header)
        self._fail: dict[str, list[tuple[int, str, float | None]]] = {}
        self._ts = 0
        self._runner: web.AppRunner | None = None
        self.base = ""

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{channel}/{n}", self._respond)
        app.router.add_get("/files/{name}", self._file)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, channel: str, n: int) -> str:
        return f"{self.base}/respond/{channel}/{n}"

    def host(self, name: str, content: bytes) -> dict[str, Any]:
        """Put a user's upload on the file server; returns Slack's file object for it."""
        self.hosted[name] = content
        return {
            "id": f"F{len(self.hosted):04d}",
            "name": name,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "size": len(content),
            "url_private": f"{self.base}/files/{name}",
            "url_private_download": f"{self.base}/files/{name}?download=1",
        }

    def fail(self, method: str, status: int, error: str, retry_after: float | None = None) -> None:
        self._fail.setdefault(method, []).append((status, error, retry_after))

    # -- reading what happened ------------------------------------------------------------

    def called(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def shown_to(self, channel: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel]

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not predicate():
            if loop.time() > end:
                raise AssertionError(f"timed out; bot showed: {self.messages}")
            await asyncio.sleep(0.02)

    # -- handlers -------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(dict(await request.post()))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        token = self.app_token if method == "apps.connections.open" else self.token
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        failures = self._fail.get(method)
        if failures:
            status, error, retry_after = failures.pop(0)
            headers = {"Retry-After": str(int(retry_after))} if retry_after else {}
            return web.json_response({"ok": False, "error": error}, status=status, headers=headers)
        return web.json_response(self._answer(method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params["users"])}}
        if method == "chat.postMessage":
            self._ts += 1
            channel = str(params["channel"])
            self.messages.append(Message("post", channel, blocks_text(params), params))
            return {"ok": True, "channel": channel, "ts": f"1700000000.{self._ts:06d}"}
        if method == "files.getUploadURLExternal":
            file_id = f"FUP{len(self.uploads) + len(self.called(method)):04d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = json.loads(params["files"])
            channel = str(params.get("channel_id", ""))
            for f in files:
                body = {"file_id": f["id"], "title": f.get("title")}
                text = str(params.get("initial_comment") or "")
                self.messages.append(Message("file", channel, text, body))
            return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}
        if method == "users.info":
            user = str(params["user"])
            if user not in self.locales:
                return {"ok": False, "error": "missing_scope"}
            profile = {"display_name": f"{user.lower()}-name"}
            info = {"id": user, "locale": self.locales[user], "profile": profile}
            return {"ok": True, "user": info}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base.replace("http", "ws", 1) + "/socket"}
        if method == "files.info":
            name = next(iter(self.hosted), "file")
            return {"ok": True, "file": self.host(name, self.hosted.get(name, b""))}
        return {"ok": True}

    async def push(self, kind: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Send one Socket Mode envelope (slash_commands, events_api, interactive)."""
        await asyncio.wait_for(self._connected.wait(), 10)
        assert self.socket is not None
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        await self.socket.send_json(envelope)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1})
        self._connected.set()
        async for msg in ws:
            if msg.type == web.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
        return ws

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        channel = request.match_info["channel"]
        if not body.get("replace_original"):
            self.messages.append(Message("respond", channel, blocks_text(body), body))
        else:
            self.calls.append(("response_url.replace", body))
        return web.Response(text="ok")

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        auth = request.headers.get("Authorization", "")
        self.downloads.append((name, auth))
        if auth != f"Bearer {self.token}" or name not in self.hosted:
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        return web.Response(body=self.hosted[name], content_type="application/octet-stream")
