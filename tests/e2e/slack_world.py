"""The Slack transport running for real (Bolt over HTTP) against FakeSlack, and Slack users
who send it signed slash commands, DMs and button presses."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.app import App, build_app
from bot.config import Settings
from bot.transports.slack.service import SlackService
from tests.e2e.fake_slack import TEAM, FakeSlack, Message

SECRET = "test-signing-secret"
_ids = itertools.count(1)


def slack_settings(db_url: str, fake: FakeSlack, **slack: Any) -> Settings:
    return Settings(
        database={"url": db_url},
        slack={
            "bot_token": fake.token,
            "signing_secret": SECRET,
            "api_base_url": fake.api_base,
            "listen": "127.0.0.1:0",
            **slack,
        },
    )


def signed(body: str, *, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    base = f"v0:{ts}:{body}".encode()
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sig}


@dataclass
class Posted:
    status: int
    seconds: float
    text: str


@dataclass
class SlackWorld:
    fake: FakeSlack
    app: App
    service: SlackService
    http: aiohttp.ClientSession
    _seen: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}/slack/events"

    async def post(self, body: str, content_type: str, headers: dict[str, str]) -> Posted:
        start = time.monotonic()
        async with self.http.post(
            self.url, data=body.encode(), headers={"Content-Type": content_type, **headers}
        ) as resp:
            text = await resp.text()
            return Posted(resp.status, time.monotonic() - start, text)

    def user(self, user_id: str, *, channel: str = "") -> SlackUser:
        return SlackUser(self, user_id, channel or "D" + user_id)

    def audit_count(self, action: str) -> int:
        with self.app.uow_factory() as uow:
            return sum(1 for e in uow.audit.recent(1000) if e.action == action)


@dataclass
class SlackUser:
    """One Slack user of team T1; `channel` is where they type slash commands."""

    world: SlackWorld
    id: str
    channel: str
    last: list[Message] = field(default_factory=list)

    @property
    def dm(self) -> str:
        return "D" + self.id

    def shown(self) -> list[Message]:
        return [m for m in self.world.fake.messages if m.channel in (self.dm, self.channel)]

    # -- what the user does -------------------------------------------------------------

    async def command_request(
        self, text: str, *, trigger_id: str | None = None, **sign: Any
    ) -> Posted:
        n = next(_ids)
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "acme",
            "channel_id": self.channel,
            "user_id": self.id,
            "user_name": self.id.lower(),
            "command": "/dealer",
            "text": text,
            "api_app_id": "A1",
            "response_url": self.world.fake.response_url(self.channel, n),
            "trigger_id": trigger_id or f"trig.{n}",
        }
        body = urlencode(form)
        form_type = "application/x-www-form-urlencoded"
        return await self.world.post(body, form_type, signed(body, **sign))

    async def dm_request(
        self,
        text: str,
        *,
        event_id: str | None = None,
        retry: int = 0,
        files: list[dict[str, Any]] | None = None,
    ) -> Posted:
        n = next(_ids)
        event: dict[str, Any] = {
            "type": "message",
            "channel_type": "im",
            "channel": self.dm,
            "user": self.id,
            "text": text,
            "ts": f"1700000100.{n:06d}",
            "event_ts": f"1700000100.{n:06d}",
        }
        if files:
            event.update(subtype="file_share", files=files)
        return await self.event_request(event, event_id=event_id or f"Ev{n:06d}", retry=retry)

    async def event_request(
        self, event: dict[str, Any], *, event_id: str, retry: int = 0
    ) -> Posted:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        headers = signed(body)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.world.post(body, "application/json", headers)

    async def press_request(self, label_part: str) -> Posted:
        message = next(
            (m for m in reversed(self.shown()) if any(label_part in b for b, _ in m.buttons)),
            None,
        )
        if message is None:
            raise AssertionError(f"no button {label_part!r} in {self.shown()}")
        label, value = next((b, v) for b, v in message.buttons if label_part in b)
        n = next(_ids)
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": self.id, "username": self.id.lower(), "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trig.{n}",
            "container": {
                "type": "message",
                "channel_id": message.channel,
                "is_ephemeral": message.kind == "respond",
            },
            "channel": {"id": message.channel},
            "message": {"text": message.body.get("text"), "blocks": message.body.get("blocks")},
            "response_url": self.world.fake.response_url(message.channel, n),
            "actions": [
                {
                    "type": "button",
                    "action_id": "dealerbot:0:0",
                    "block_id": "row0",
                    "text": {"type": "plain_text", "text": label},
                    "value": value,
                    "action_ts": "1700000200.000001",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.world.post(body, "application/x-www-form-urlencoded", signed(body))

    # -- transcript style: do it, then read what the bot showed ------------------------

    async def answer(self, send) -> str:
        before = len(self.shown())
        posted = await send
        assert posted.status == 200, posted
        await self.world.fake.wait_for(lambda: len(self.shown()) > before)
        await asyncio.sleep(0.15)  # a reply may come in several messages
        self.last = self.shown()[before:]
        return "\n".join(m.text for m in self.last)

    async def command(self, text: str) -> str:
        return await self.answer(self.command_request(text))

    async def say(self, text: str) -> str:
        return await self.answer(self.dm_request(text))

    async def press(self, label_part: str) -> str:
        return await self.answer(self.press_request(label_part))


async def start_world(db, clock, *, conversation=None, dispatch: bool = True, **slack: Any):
    """Returns (world, stop) with the service serving on a random port."""
    fake = FakeSlack()
    await fake.start()
    settings = slack_settings(db.url, fake, **slack)
    app = build_app(settings, clock=clock, migrate=False, engine=db.engine)
    service = SlackService(app, conversation=conversation, dispatch=dispatch)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    await asyncio.wait_for(service.ready.wait(), 10)
    http = aiohttp.ClientSession()
    world = SlackWorld(fake, app, service, http)

    async def shutdown() -> None:
        stop.set()
        await asyncio.wait_for(task, 20)
        await http.close()
        await fake.stop()

    return world, shutdown
