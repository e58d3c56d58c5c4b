"""`dealerbot run` with Feishu and Slack configured: one process, one database.

The real command runs in a subprocess against both fake servers; a sale a dealer reports on
Feishu is seen by a manager on Slack, whose DM gets the severe-violation alert.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from types import SimpleNamespace

import aiohttp
import pytest

from tests.e2e.fake_feishu import APP_ID, APP_SECRET, FakeFeishu
from tests.e2e.fake_slack import FakeSlack
from tests.e2e.feishu_world import FeishuUser
from tests.e2e.slack_world import SECRET, SlackWorld
from tests.e2e.test_slack_with_telegram import free_port, link_code, wait_for_port
from tests.support import seed_catalog


@pytest.fixture
async def running(db, tmp_path):
    feishu = await FakeFeishu().start()
    slack = FakeSlack()
    await slack.start()
    seed_catalog(db.uow_factory)
    port = free_port()
    env = {
        **os.environ,
        "DEALERBOT_DATABASE__URL": db.url,
        "DEALERBOT_SCHEDULER__ENABLED": "false",
        "DEALERBOT_FEISHU__APP_ID": APP_ID,
        "DEALERBOT_FEISHU__APP_SECRET": APP_SECRET,
        "DEALERBOT_FEISHU__DOMAIN": feishu.base,
        "DEALERBOT_SLACK__BOT_TOKEN": slack.token,
        "DEALERBOT_SLACK__SIGNING_SECRET": SECRET,
        "DEALERBOT_SLACK__API_BASE_URL": slack.api_base,
        "DEALERBOT_SLACK__LISTEN": f"127.0.0.1:{port}",
    }
    log = tmp_path / "dealerbot-run.log"
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
        await feishu.connected(60)
        world = SlackWorld(slack, None, SimpleNamespace(port=port), http)  # type: ignore[arg-type]
        feishu_world = SimpleNamespace(fake=feishu)
        yield SimpleNamespace(slack=world, feishu=feishu_world)
    finally:
        await http.close()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await feishu.stop()
        await slack.stop()


async def test_a_sale_reported_on_feishu_is_seen_by_a_manager_on_slack(db, running):
    manager = running.slack.user("UMGR", channel="CGENERAL")
    assert "王经理" in await manager.command(f"start {link_code(db, manager='M01')}")
    dealer = FeishuUser(running.feishu, "ou_dealer")  # type: ignore[arg-type]
    assert "华西医疗" in await dealer.say(f"/start {link_code(db, dealer='D001')}")

    await dealer.say("/report A100 20 2500 T-0001")  # under the floor: asked once more
    assert "A100" in await dealer.press("确定")

    listing = await manager.command("violations")
    assert "D001" in listing and "¥2,500.00" in listing
    await running.slack.fake.wait_for(
        lambda: any("D001" in m.text for m in running.slack.fake.shown_to("DUMGR")), timeout=30
    )  # the severe-violation alert, delivered by the Slack outbox dispatcher
