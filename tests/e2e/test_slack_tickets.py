"""A complaint over Slack: the dealer by DM with buttons, the manager with `/dealer` commands."""

from __future__ import annotations

import pytest

from tests.e2e.slack_world import start_world
from tests.support import invite, seed_catalog


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock)
    yield world
    await shutdown()


async def test_a_dealer_files_by_dm_and_the_manager_resolves_with_the_slash_command(world, clock):
    dealer = world.user("UDLR")
    manager = world.user("UMGR", channel="CGENERAL")
    await dealer.say(f"start {invite(world.app.uow_factory, clock, dealer='D001')}")
    await manager.command(f"start {invite(world.app.uow_factory, clock, manager='M01')}")

    assert "类别" in await dealer.say("complaint")
    assert "客户或终端" in await dealer.press("物流配送")
    await dealer.press("华西医院")
    await dealer.press("跳过")
    assert "照片" in await dealer.say("到货时外箱破损，设备外壳有划痕")
    await dealer.press("跳过")
    assert "C00001" in await dealer.press("普通")

    assert "C00001" in await manager.command("complaints open")
    assert "不能执行“关闭”" in await manager.command("ticket 1 close")
    assert "已解决" in await manager.command("ticket 1 resolve 已补发新外壳")
    await world.fake.wait_for(lambda: any("打分" in m.text for m in dealer.shown()))
    assert "感谢评分" in await dealer.press("4")
