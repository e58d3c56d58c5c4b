"""`dealerbot run` with Telegram and Slack configured: one process, one database.

The real command runs in a subprocess against both fake servers; a sale a dealer reports on
one platform is seen by a manager on the other, and the severe-violation alert reaches the
Slack manager's DM through the Slack outbox dispatcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest

from domain.shared.clock import SystemClock
from tests.e2e.fake_slack import FakeSlack
from tests.e2e.slack_world import SECRET, SlackWorld
from tests.support import invite, seed_catalog

pytest.importorskip(
    "bot.transports.telegram.service", reason="the Telegram transport is not written yet"
)
from tests.e2e.fake_telegram import FakeTelegram

TG_DEALER = 7001
TG_MANAGER = 7002
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_for_port(port: int, proc, log: Path, timeout: float = 120.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if proc.returncode is not None:
            raise AssertionError(f"dealerbot run exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    tail = log.read_text()[-2000:]
    raise AssertionError(f"dealerbot run did not serve Slack in {timeout} s: {tail}")


@pytest.fixture
async def fakes():
    telegram = await FakeTelegram().start()
    slack = FakeSlack()
    await slack.start()
    yield telegram, slack
    await telegram.close()
    await slack.stop()


@pytest.fixture
async def running(db, fakes, tmp_path):
    telegram, slack = fakes
    seed_catalog(db.uow_factory)
    port = free_port()
    env = {
        **os.environ,
        "DEALERBOT_DATABASE__URL": db.url,
        "DEALERBOT_SCHEDULER__ENABLED": "false",
        "DEALERBOT_TELEGRAM__TOKEN": telegram.token,
        "DEALERBOT_TELEGRAM__API_BASE_URL": telegram.base_url,
        "DEALERBOT_TELEGRAM__API_FILE_URL": telegram.file_url,
        "DEALERBOT_SLACK__BOT_TOKEN": slack.token,
        "DEALERBOT_SLACK__SIGNING_SECRET": SECRET,
        "DEALERBOT_SLACK__API_BASE_URL": slack.api_base,
        "DEALERBOT_SLACK__LISTEN": f"127.0.0.1:{port}",
    }
    log = tmp_path / "dealerbot-run.log"  # a file, not a pipe: a full pipe would block the bot
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--no-scheduler",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    http = aiohttp.ClientSession()
    try:
        await wait_for_port(port, proc, log)
        world = SlackWorld(slack, None, SimpleNamespace(port=port), http)  # type: ignore[arg-type]
        yield SimpleNamespace(proc=proc, world=world, telegram=telegram, slack=slack)
    finally:
        await http.close()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def tg_say(telegram: FakeTelegram, user: int, text: str) -> str:
    before = len(telegram.to(user))
    telegram.say(user, text)
    await telegram.reply_to(user, before, timeout=30)
    await asyncio.sleep(0.3)
    return "\n".join(s.text for s in telegram.to(user)[before:])


async def tg_press(telegram: FakeTelegram, user: int, label: str) -> str:
    before = len(telegram.to(user))
    message = telegram.to(user)[-1]
    telegram.press(user, message.data_for(label), message)
    await telegram.reply_to(user, before, timeout=30)
    await asyncio.sleep(0.3)
    return "\n".join(s.text for s in telegram.to(user)[before:])


def link_code(db, **who: str) -> str:
    return invite(db.uow_factory, SystemClock(), **who)  # the subprocess runs on real time


async def test_what_is_reported_on_one_platform_a_manager_sees_on_the_other(db, running):
    # Telegram dealer -> Slack manager (and the alert in the manager's Slack DM).
    slack_manager = running.world.user("UMGR", channel="CGENERAL")
    assert "王经理" in await slack_manager.command(f"start {link_code(db, manager='M01')}")
    assert "华西医疗" in await tg_say(
        running.telegram, TG_DEALER, f"/start {link_code(db, dealer='D001')}"
    )
    await tg_say(running.telegram, TG_DEALER, "/report A100 20 2500 T-0001")  # asked again
    assert "A100" in await tg_press(running.telegram, TG_DEALER, "确定")

    listing = await slack_manager.command("violations")
    assert "D001" in listing and "¥2,500.00" in listing
    await running.slack.wait_for(
        lambda: any("D001" in m.text for m in running.slack.shown_to("DUMGR")), timeout=20
    )  # the severe-violation alert, delivered by the Slack outbox dispatcher

    # Slack dealer (by DM, no slash) -> Telegram manager.
    slack_dealer = running.world.user("UDLR")
    assert "华西医疗" in await slack_dealer.say(f"start {link_code(db, dealer='D001')}")
    await tg_say(running.telegram, TG_MANAGER, f"/start {link_code(db, manager='M02')}")
    assert "A100" in await slack_dealer.say("report A100 10 2800 T-0001")

    listing = await tg_say(running.telegram, TG_MANAGER, "/violations")
    assert "¥2,500.00" in listing and "¥2,800.00" in listing
