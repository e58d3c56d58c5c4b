"""A burst of sales reports with the bot process killed (SIGKILL) mid-way and started again.

The fake Bot API or Slack runs in the caller's event loop, the bot as a real `dealerbot run`
subprocess, so the fake keeps everything it was told across the kill. Each report carries its
own quantity (1..N), which its receipt repeats (`× 7，`): sales and receipts are counted per
report at the end. Telegram's webhook and Slack's Events API deliver again what was not
answered 200, Feishu pushes again an event not acknowledged within 3 s, and so do the
senders here.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from domain.catalog.model import DealerCode
from domain.identity.invites import issue_invite
from storage.sales.models import SaleRow
from tests.e2e.fake_feishu import APP_ID, APP_SECRET, FakeFeishu
from tests.e2e.fake_feishu import TENANT as FEISHU_TENANT
from tests.e2e.fake_slack import TEAM, FakeSlack
from tests.e2e.fake_telegram import SECRET_HEADER, FakeTelegram
from tests.e2e.slack_world import SECRET, signed
from tests.support import seed_catalog

ROOT = Path(__file__).resolve().parents[2]
TRANSPORTS = ("polling", "webhook", "slack", "feishu")
FIRST_CHAT = 7000
RECEIPT = re.compile(r"× (\d+)，")
WEBHOOK_SECRET = "crash-burst-secret"


@dataclass(frozen=True)
class Outcome:
    reports: int
    stored: int  # distinct reports stored
    doubled: int  # sales stored beyond one per report
    receipts: int  # distinct reports whose receipt arrived
    doubled_receipts: int  # receipts beyond one per report
    killed_after: int  # receipts counted when the bot was killed
    first_answer_seconds: float  # from the second start until its first receipt
    recovery_seconds: float  # from the second start until every receipt had arrived

    @property
    def lost(self) -> int:
        return self.reports - self.stored


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def link_chats(uow_factory, platform: str, chats: list[tuple[str, str]]) -> None:
    with uow_factory() as uow:
        now = datetime.now(UTC)
        for user_id, chat_id in chats:
            invite = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode("D001"))
            uow.identities.link(platform, user_id, chat_id, f"User {user_id}", invite, now)
        uow.commit()


def stored_quantities(uow_factory) -> Counter[int]:
    with uow_factory() as uow:
        return Counter(int(q) for q in uow.session.scalars(select(SaleRow.qty)))


class BotProcess:
    """`dealerbot run --no-scheduler` with its settings in the environment."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "run",
            "--no-scheduler",
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: the kill takes its core workers too
        )
        log.close()

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)

    async def wait(self) -> None:
        assert self.process is not None
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        with _no_such_process():
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            with _no_such_process():
                os.killpg(self.process.pid, signal.SIGKILL)
            await self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class _no_such_process:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, *_rest) -> bool:
        return kind is ProcessLookupError


async def _until(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval)
    return True


async def _post_until_ok(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: Callable[[int], dict]
) -> None:
    """What Telegram and Slack do: deliver again until the bot answers 200."""
    tries = 0
    while True:
        try:
            async with session.post(url, data=body, headers=headers(tries)) as resp:
                if resp.status == 200:
                    return
        except (aiohttp.ClientError, TimeoutError):
            pass
        tries += 1
        await asyncio.sleep(0.2)


async def _push_until_acked(fake: FakeFeishu, body: dict[str, Any]) -> None:
    """What Feishu does: push the event again until the bot acknowledges it (3 s)."""
    while True:
        try:
            frame = await fake.push(body)
            answer = await fake.acked(frame, timeout=3.0)
            if answer.get("code") == 200:
                return
        except (AssertionError, ConnectionError, RuntimeError, TimeoutError):
            pass
        await asyncio.sleep(0.2)


def _common_env(db_url: str) -> dict[str, str]:
    return {
        "DEALERBOT_DATABASE__URL": db_url,
        "DEALERBOT_INBOX__LEASE_SECONDS": "2",
        "DEALERBOT_TELEGRAM__POLL_TIMEOUT": "1",
    }


async def run_burst(
    transport: str,
    db_url: str,
    uow_factory,
    work_dir: Path,
    *,
    reports: int = 200,
    chats: int = 20,
    kill_after: int = 60,
    timeout: float = 30.0,
) -> Outcome:
    """Send `reports` reports, kill the bot after `kill_after` receipts, start it again."""
    seed_catalog(uow_factory)
    if transport == "feishu":
        fake_feishu = await FakeFeishu().start()
        users = [f"ou_b{FIRST_CHAT + n}" for n in range(chats)]
        link_chats(uow_factory, "feishu", [(f"{FEISHU_TENANT}:{u}", u) for u in users])
        env = {
            "DEALERBOT_FEISHU__APP_ID": APP_ID,
            "DEALERBOT_FEISHU__APP_SECRET": APP_SECRET,
            "DEALERBOT_FEISHU__DOMAIN": fake_feishu.base,
        }

        def receipts() -> list[str]:
            return [m.text for m in fake_feishu.shown if m.open_id.startswith("ou_b")]

        close_fake = fake_feishu.stop
    elif transport == "slack":
        fake_slack = FakeSlack()
        await fake_slack.start()
        users = [f"U{FIRST_CHAT + n}" for n in range(chats)]
        link_chats(uow_factory, "slack", [(f"{TEAM}:{u}", "D" + u) for u in users])
        port = free_port()
        env = {
            "DEALERBOT_SLACK__BOT_TOKEN": fake_slack.token,
            "DEALERBOT_SLACK__SIGNING_SECRET": SECRET,
            "DEALERBOT_SLACK__API_BASE_URL": fake_slack.api_base,
            "DEALERBOT_SLACK__LISTEN": f"127.0.0.1:{port}",
        }

        def receipts() -> list[str]:
            return [m.text for m in fake_slack.messages if m.channel.startswith("DU")]

        close_fake: Callable[[], Awaitable[None]] = fake_slack.stop
    else:
        fake = await FakeTelegram().start()
        users = [str(FIRST_CHAT + n) for n in range(chats)]
        link_chats(uow_factory, "telegram", [(u, u) for u in users])
        env = {
            "DEALERBOT_TELEGRAM__TOKEN": fake.token,
            "DEALERBOT_TELEGRAM__API_BASE_URL": fake.base_url,
            "DEALERBOT_TELEGRAM__API_FILE_URL": fake.file_url,
        }
        if transport == "webhook":
            port = free_port()
            env |= {
                "DEALERBOT_TELEGRAM__MODE": "webhook",
                "DEALERBOT_TELEGRAM__WEBHOOK_URL": f"http://127.0.0.1:{port}/tg",
                "DEALERBOT_TELEGRAM__WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                "DEALERBOT_TELEGRAM__SECRET_TOKEN": WEBHOOK_SECRET,
            }

        def receipts() -> list[str]:
            return [s.text for s in fake.sent if s.chat_id >= FIRST_CHAT]

        close_fake = fake.close

    bot = BotProcess(_common_env(db_url) | env, work_dir / f"bot-{transport}.log")
    texts = [(users[n % chats], n + 1) for n in range(reports)]
    senders: list[asyncio.Task[None]] = []
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
    try:
        await bot.start()
        if transport == "feishu":
            gate = asyncio.Semaphore(8)

            async def push_until_acked(user: str, quantity: int) -> None:
                text = f"/report A100 {quantity} 3500 T-0001"
                event_id = f"evburst{quantity:05d}"
                body = fake_feishu.message_event(user, "text", {"text": text}, event_id)
                async with gate:
                    await _push_until_acked(fake_feishu, body)

            for user, quantity in texts:
                senders.append(asyncio.create_task(push_until_acked(user, quantity)))
        elif transport == "polling":
            for user, quantity in texts:
                fake.say(int(user), f"/report A100 {quantity} 3500 T-0001")
        elif transport == "webhook":
            url = f"http://127.0.0.1:{port}/tg"
            gate = asyncio.Semaphore(8)  # Telegram's parallel webhook connections

            async def deliver(update: dict[str, Any]) -> None:
                async with gate:
                    body = json.dumps(update).encode()
                    headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
                    await _post_until_ok(http, url, body, lambda _tries: headers)

            for user, quantity in texts:
                update = fake.make_message(int(user), f"/report A100 {quantity} 3500 T-0001")
                senders.append(asyncio.create_task(deliver(update)))
        else:
            url = f"http://127.0.0.1:{port}/slack/events"
            gate = asyncio.Semaphore(8)

            async def deliver_event(user: str, quantity: int) -> None:
                event = {
                    "type": "message",
                    "channel_type": "im",
                    "channel": "D" + user,
                    "user": user,
                    "text": f"report A100 {quantity} 3500 T-0001",
                    "ts": f"1700000000.{quantity:06d}",
                }
                body = json.dumps(
                    {
                        "team_id": TEAM,
                        "api_app_id": "A1",
                        "type": "event_callback",
                        "event_id": f"EvBurst{quantity:05d}",
                        "event_time": int(time.time()),
                        "event": event,
                    }
                )

                def headers(tries: int) -> dict[str, str]:
                    retry = {"X-Slack-Retry-Num": str(tries)} if tries else {}
                    return {"Content-Type": "application/json", **signed(body), **retry}

                async with gate:
                    await _post_until_ok(http, url, body.encode(), headers)

            for user, quantity in texts:
                senders.append(asyncio.create_task(deliver_event(user, quantity)))

        if not await _until(lambda: len(receipts()) >= kill_after, timeout):
            raise AssertionError(f"no {kill_after} receipts before the kill:\n{bot.log_tail()}")
        killed_after = len(receipts())
        bot.kill()
        await bot.wait()
        await asyncio.sleep(0.1)  # what reached the fake before the kill is counted
        before_restart = len(receipts())
        restarted = time.monotonic()
        await bot.start()
        await _until(lambda: len(receipts()) > before_restart, timeout)
        first_answer = time.monotonic() - restarted

        def all_in() -> bool:
            got = {int(m[1]) for t in receipts() for m in [RECEIPT.search(t)] if m}
            return len(got) >= reports

        await _until(all_in, timeout)
        recovery = time.monotonic() - restarted
        await asyncio.sleep(1.0)  # anything sent twice arrives meanwhile
    finally:
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
        await http.close()
        await bot.stop()
        await close_fake()

    sales = stored_quantities(uow_factory)
    got = Counter(int(m[1]) for t in receipts() for m in [RECEIPT.search(t)] if m)
    return Outcome(
        reports=reports,
        stored=len(sales),
        doubled=sum(sales.values()) - len(sales),
        receipts=len(got),
        doubled_receipts=sum(got.values()) - len(got),
        killed_after=killed_after,
        first_answer_seconds=first_answer,
        recovery_seconds=recovery,
    )
