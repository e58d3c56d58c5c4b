"""`/dealer` typed in a public channel: the answer is for the user alone, never the channel."""

from __future__ import annotations

import pytest

from tests.e2e.slack_world import start_world
from tests.support import invite, seed_catalog

CHANNEL = "CGENERAL"


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock)
    yield world
    await shutdown()


async def test_a_dealer_profile_asked_in_a_public_channel_is_shown_only_to_the_manager(
    world, clock
):
    manager = world.user("UMGR", channel=CHANNEL)
    await manager.command(f"start {invite(world.app.uow_factory, clock, manager='M01')}")

    said = await manager.command("dealer D001")

    assert "华西医疗" in said
    assert [(m.kind, m.body.get("response_type")) for m in manager.last] == [
        ("respond", "ephemeral")
    ]
    posted = [c for c in world.fake.called("chat.postMessage") if c.get("channel") == CHANNEL]
    assert posted == []


async def test_an_export_asked_in_a_public_channel_goes_to_the_managers_dm(world, clock):
    manager = world.user("UMGR", channel=CHANNEL)
    await manager.command(f"start {invite(world.app.uow_factory, clock, manager='M01')}")

    await manager.command("export sales")

    await world.fake.wait_for(lambda: any(m.kind == "file" for m in manager.shown()))
    files = [m for m in manager.shown() if m.kind == "file"]
    assert files and {m.channel for m in files} == {manager.dm}
    assert all(m.channel != CHANNEL or m.kind == "respond" for m in world.fake.messages)
