"""A small working Feishu open platform: the token and long-connection endpoints, the
WebSocket speaking the SDK's own protobuf frames, and the im/v1 and contact/v3 calls the
bot makes (messages, replies, card updates, images, files, resources, users).

It records what the bot showed each user, so a test reads what they would have seen, and
pushes what users do as events (frames of type `event` or `card`) the way Feishu does: an
event that is not acknowledged is not retried here unless the test pushes it again.
`fail(status, code, reset, times)` makes the next message sends fail.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

APP_ID = "cli_test_app"
APP_SECRET = "test-app-secret"
TOKEN = "t-fake-tenant-token"
TENANT = "tenant1"
SERVICE_ID = 7


@dataclass
class Shown:
    """One message the bot sent a user (or a reply to their message)."""

    message_id: str
    open_id: str
    msg_type: str
    content: dict[str, Any]
    uuid: str = ""
    reply_to: str = ""
    patches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return card_text(self.content) if self.msg_type == "interactive" else self._plain()

    def _plain(self) -> str:
        if self.msg_type == "text":
            return str(self.content.get("text", ""))
        return f"[{self.msg_type}]"

    @property
    def buttons(self) -> list[tuple[str, dict[str, Any]]]:
        return card_buttons(self.content) if self.msg_type == "interactive" else []

    @property
    def current(self) -> dict[str, Any]:
        """The card as it reads now (after its updates)."""
        return self.patches[-1] if self.patches else self.content


def card_text(card: dict[str, Any]) -> str:
    parts = []
    for element in card.get("elements") or []:
        if element.get("tag") == "div":
            parts.append(element["text"]["content"])
        elif element.get("tag") == "note":
            parts.extend(e.get("content", "") for e in element.get("elements") or [])
    return "\n".join(parts)


def card_buttons(card: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (a["text"]["content"], a["value"])
        for element in card.get("elements") or []
        if element.get("tag") == "action"
        for a in element["actions"]
    ]


class FakeFeishu:
    def __init__(self) -> None:
        self.base = ""
        self._runner: web.AppRunner | None = None
        self.socket: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self.connections = 0
        self.shown: list[Shown] = []
        self.by_uuid: dict[str, Shown] = {}
        self.calls: list[tuple[str, str]] = []  # (method, path)
        self.acks: dict[str, dict[str, Any]] = {}  # frame message_id -> the bot's answer
        self.names: dict[str, str] = {}
        self.hosted: dict[str, bytes] = {}  # resource key -> bytes a user sent
        self.images: dict[str, bytes] = {}  # image_key -> bytes the bot uploaded
        self.files: dict[str, tuple[str, str, bytes]] = {}  # file_key -> (type, name, bytes)
        self.user_messages: dict[str, str] = {}  # message_id a user sent -> their open_id
        self.refused = 0  # sends answered with a failure
        self._fail: list[tuple[int, int, float | None]] = []
        self._ids = itertools.count(1)

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> FakeFeishu:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        app.router.add_post("/callback/ws/endpoint", self._endpoint)
        app.router.add_get("/ws", self._ws)
        app.router.add_post("/open-apis/im/v1/messages", self._create)
        app.router.add_post("/open-apis/im/v1/messages/{message_id}/reply", self._reply)
        app.router.add_patch("/open-apis/im/v1/messages/{message_id}", self._patch)
        app.router.add_post("/open-apis/im/v1/images", self._image)
        app.router.add_post("/open-apis/im/v1/files", self._file)
        app.router.add_get("/open-apis/im/v1/messages/{message_id}/resources/{key}", self._resource)
        app.router.add_get("/open-apis/contact/v3/users/{user_id}", self._user)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        await web.SockSite(self._runner, sock).start()
        return self

    def routes(self, app: web.Application) -> None:
        """More routes on the same server (a benchmark's control routes)."""

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._runner:
            await self._runner.cleanup()

    def fail(self, status: int, code: int, reset: float | None = None, times: int = 1) -> None:
        self._fail.extend([(status, code, reset)] * times)

    # -- reading what happened ------------------------------------------------------------

    def to(self, open_id: str) -> list[Shown]:
        return [m for m in self.shown if m.open_id == open_id]

    def message(self, message_id: str) -> Shown:
        return next(m for m in self.shown if m.message_id == message_id)

    async def wait_for(self, predicate, timeout: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not predicate():
            if loop.time() > end:
                raise AssertionError(f"timed out; bot showed: {[m.text for m in self.shown]}")
            await asyncio.sleep(0.02)

    async def connected(self, timeout: float = 30.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    # -- what users do (pushed as events) -------------------------------------------------

    def _header(self, event_type: str, event_id: str | None) -> dict[str, Any]:
        return {
            "event_id": event_id or f"ev{next(self._ids):08d}",
            "event_type": event_type,
            "create_time": str(int(time.time() * 1000)),
            "token": "v-token",
            "app_id": APP_ID,
            "tenant_key": TENANT,
        }

    def message_event(
        self, open_id: str, msg_type: str, content: dict[str, Any], event_id: str | None = None
    ) -> dict[str, Any]:
        message_id = f"om_user{next(self._ids):08d}"
        self.user_messages[message_id] = open_id
        return {
            "schema": "2.0",
            "header": self._header("im.message.receive_v1", event_id),
            "event": {
                "sender": {
                    "sender_id": {"open_id": open_id, "union_id": f"on_{open_id}"},
                    "sender_type": "user",
                    "tenant_key": TENANT,
                },
                "message": {
                    "message_id": message_id,
                    "chat_id": f"oc_{open_id}",
                    "chat_type": "p2p",
                    "message_type": msg_type,
                    "content": json.dumps(content, ensure_ascii=False),
                    "create_time": str(int(time.time() * 1000)),
                },
            },
        }

    def press_event(
        self, open_id: str, shown: Shown, label_part: str, from_original: bool = False
    ) -> dict[str, Any]:
        """A press of the card as it reads now (or as first sent: a stale copy elsewhere)."""
        card = shown.content if from_original else shown.current
        value = next((v for label, v in card_buttons(card) if label_part in label), None)
        if value is None:
            raise AssertionError(f"no button {label_part!r} on {shown.current}")
        return {
            "schema": "2.0",
            "header": self._header("card.action.trigger", None),
            "event": {
                "operator": {"tenant_key": TENANT, "open_id": open_id, "union_id": f"on_{open_id}"},
                "token": f"c-{next(self._ids)}",
                "action": {"value": value, "tag": "button"},
                "host": "im_message",
                "context": {"open_message_id": shown.message_id, "open_chat_id": f"oc_{open_id}"},
            },
        }

    def menu_event(self, open_id: str, event_key: str) -> dict[str, Any]:
        return {
            "schema": "2.0",
            "header": self._header("application.bot.menu_v6", None),
            "event": {
                "operator": {"operator_name": open_id, "operator_id": {"open_id": open_id}},
                "event_key": event_key,
                "timestamp": int(time.time()),
            },
        }

    def host(self, content: bytes, kind: str = "file") -> str:
        key = f"{'img' if kind == 'image' else 'file'}_v3_{next(self._ids):06d}"
        self.hosted[key] = content
        return key

    async def push(self, body: dict[str, Any], kind: str = "event", parts: int = 1) -> str:
        """One event to the bot, in `parts` frames (`sum`/`seq`) when asked; returns the
        frames' message_id (the bot's acknowledgement lands in `acks`)."""
        await self.connected()
        assert self.socket is not None
        frame_id = f"frame{next(self._ids):08d}"
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        size = -(-len(payload) // parts)
        for seq in range(parts):
            frame = Frame()
            frame.SeqID = next(self._ids)
            frame.LogID = frame.SeqID
            frame.service = SERVICE_ID
            frame.method = 1  # data
            for key, value in (
                ("type", kind),
                ("message_id", frame_id),
                ("sum", str(parts)),
                ("seq", str(seq)),
                ("trace_id", f"trace{frame.SeqID}"),
            ):
                header = frame.headers.add()
                header.key, header.value = key, value
            frame.payload = payload[seq * size : (seq + 1) * size]
            await self.socket.send_bytes(frame.SerializeToString())
        return frame_id

    async def acked(self, frame_id: str, timeout: float = 10.0) -> dict[str, Any]:
        await self.wait_for(lambda: frame_id in self.acks, timeout)
        return self.acks[frame_id]

    # -- the platform -----------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("app_id") != APP_ID or body.get("app_secret") != APP_SECRET:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        return web.json_response(
            {"code": 0, "msg": "ok", "tenant_access_token": TOKEN, "expire": 7200}
        )

    async def _endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("AppID") != APP_ID or body.get("AppSecret") != APP_SECRET:
            return web.json_response({"code": 1000040345, "msg": "app secret invalid"})
        url = self.base.replace("http", "ws", 1) + f"/ws?device_id=dev1&service_id={SERVICE_ID}"
        config = {
            "ReconnectCount": -1,
            "ReconnectInterval": 1,
            "ReconnectNonce": 0,
            "PingInterval": 120,
        }
        return web.json_response(
            {"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}}
        )

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.socket = ws
        self.connections += 1
        self._connected.set()
        async for msg in ws:
            if msg.type != web.WSMsgType.BINARY:
                continue
            frame = Frame()
            frame.ParseFromString(msg.data)
            headers = {h.key: h.value for h in frame.headers}
            if frame.method == 0:  # control: a ping gets its pong
                if headers.get("type") == "ping":
                    pong = Frame()
                    pong.SeqID, pong.LogID = 0, 0
                    pong.method, pong.service = 0, frame.service
                    header = pong.headers.add()
                    header.key, header.value = "type", "pong"
                    await ws.send_bytes(pong.SerializeToString())
                continue
            answer = json.loads(frame.payload or b"{}")
            if answer.get("data"):
                answer["data"] = json.loads(base64.b64decode(answer["data"]))
            self.acks[headers.get("message_id", "")] = answer
        if self.socket is ws:
            self.socket = None
            self._connected.clear()
        return ws

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    def _failure(self) -> web.Response | None:
        if not self._fail:
            return None
        status, code, reset = self._fail.pop(0)
        self.refused += 1
        headers = {"x-ogw-ratelimit-reset": str(reset)} if reset is not None else {}
        return web.json_response({"code": code, "msg": "refused"}, status=status, headers=headers)

    def _ok(self, data: dict[str, Any]) -> web.Response:
        return web.json_response({"code": 0, "msg": "success", "data": data})

    async def _send(self, open_id: str, body: dict[str, Any], reply_to: str = "") -> web.Response:
        uuid = str(body.get("uuid") or "")
        if uuid and uuid in self.by_uuid:  # Feishu keeps one message per uuid
            return self._ok({"message_id": self.by_uuid[uuid].message_id})
        failure = self._failure()
        if failure is not None:
            return failure
        shown = Shown(
            f"om_bot{next(self._ids):08d}",
            open_id,
            str(body["msg_type"]),
            json.loads(body["content"]),
            uuid,
            reply_to,
        )
        self.shown.append(shown)
        if uuid:
            self.by_uuid[uuid] = shown
        return self._ok({"message_id": shown.message_id, "msg_type": shown.msg_type})

    async def _create(self, request: web.Request) -> web.Response:
        self.calls.append(("POST", request.path))
        if not self._authorized(request):
            return web.json_response({"code": 99991663, "msg": "invalid token"}, status=400)
        if request.query.get("receive_id_type") != "open_id":
            return web.json_response({"code": 230001, "msg": "bad receive_id_type"}, status=400)
        body = await request.json()
        if str(body["receive_id"]).startswith("ou_gone"):
            return web.json_response({"code": 230002, "msg": "bot not in chat"}, status=400)
        return await self._send(str(body["receive_id"]), body)

    async def _reply(self, request: web.Request) -> web.Response:
        self.calls.append(("POST", request.path))
        if not self._authorized(request):
            return web.json_response({"code": 99991663, "msg": "invalid token"}, status=400)
        original = request.match_info["message_id"]
        open_id = self.user_messages.get(original)
        if open_id is None:
            return web.json_response({"code": 230011, "msg": "message withdrawn"}, status=400)
        return await self._send(open_id, await request.json(), reply_to=original)

    async def _patch(self, request: web.Request) -> web.Response:
        self.calls.append(("PATCH", request.path))
        if not self._authorized(request):
            return web.json_response({"code": 99991663, "msg": "invalid token"}, status=400)
        message_id = request.match_info["message_id"]
        shown = next((m for m in self.shown if m.message_id == message_id), None)
        if shown is None or shown.msg_type != "interactive":
            return web.json_response({"code": 230001, "msg": "not a card"}, status=400)
        body = await request.json()
        shown.patches.append(json.loads(body["content"]))
        return self._ok({})

    async def _image(self, request: web.Request) -> web.Response:
        self.calls.append(("POST", request.path))
        form = await request.post()
        key = f"img_bot{next(self._ids):06d}"
        self.images[key] = form["image"].file.read()  # type: ignore[union-attr]
        return self._ok({"image_key": key})

    async def _file(self, request: web.Request) -> web.Response:
        self.calls.append(("POST", request.path))
        form = await request.post()
        key = f"file_bot{next(self._ids):06d}"
        upload = form["file"]
        content = upload.file.read()  # type: ignore[union-attr]
        self.files[key] = (str(form["file_type"]), str(form["file_name"]), content)
        return self._ok({"file_key": key})

    async def _resource(self, request: web.Request) -> web.Response:
        self.calls.append(("GET", request.path))
        if not self._authorized(request):
            return web.json_response({"code": 99991663, "msg": "invalid token"}, status=400)
        key = request.match_info["key"]
        if request.match_info["message_id"] not in self.user_messages or key not in self.hosted:
            return web.json_response({"code": 234003, "msg": "file not found"}, status=400)
        return web.Response(body=self.hosted[key], content_type="application/octet-stream")

    async def _user(self, request: web.Request) -> web.Response:
        user_id = request.match_info["user_id"]
        if user_id not in self.names:
            return web.json_response({"code": 41050, "msg": "no user authority"}, status=400)
        return self._ok({"user": {"open_id": user_id, "name": self.names[user_id]}})
