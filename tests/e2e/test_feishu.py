"""The Feishu transport end to end: the real lark-oapi SDK (long connection and REST) against
a local fake Feishu speaking the SDK's own protobuf frames."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.fake_feishu import TENANT
from tests.e2e.feishu_world import start_world
from tests.support import invite, seed_catalog


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock)
    yield world
    await shutdown()


async def linked(world, clock, open_id: str, **who: str):
    user = world.user(open_id)
    await user.say(f"/start {invite(world.app.uow_factory, clock, **who)}")
    return user


async def test_a_dealer_links_by_message_and_is_stored_with_the_tenant(world, clock):
    world.fake.names["ou_dealer"] = "张三"
    dealer = world.user("ou_dealer")

    said = await dealer.say(f"/start {invite(world.app.uow_factory, clock, dealer='D001')}")

    assert "华西医疗" in said
    [answer] = dealer.last
    assert answer.reply_to  # the answer quotes the message it answers
    with world.app.uow_factory() as uow:
        actor = uow.identities.find("feishu", f"{TENANT}:ou_dealer")
    assert actor is not None and actor.dealer_code == "D001"
    assert actor.chat_id == "ou_dealer"  # proactive messages go to the open id


async def test_a_dealer_reports_a_sale_by_command_and_by_a_sentence(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")

    said = await dealer.say("/report A100 2 3500 T-0001")
    assert "A100" in said and "× 2" in said

    said = await dealer.say("今天在华西医院卖了3台A100，单价3600")
    assert "A100" in said

    with world.app.uow_factory() as uow:
        assert world.audit_count("cmd:report") >= 1
        del uow


async def test_the_same_event_pushed_twice_takes_effect_once(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    body = world.fake.message_event("ou_dealer", "text", {"text": "/report A100 4 3500 T-0001"})
    before = len(dealer.shown())

    first = await world.fake.push(body)
    await world.fake.acked(first)
    await world.fake.wait_for(lambda: len(dealer.shown()) > before)
    again = await world.fake.push(body)  # Feishu pushes it again: not acked within 3 s
    assert (await world.fake.acked(again))["code"] == 200
    await asyncio.sleep(0.5)

    assert len(dealer.shown()) == before + 1
    assert world.audit_count("cmd:report") == 1


async def test_a_bot_menu_click_runs_its_command(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    said = await dealer.menu("help")
    assert "/report" in said


async def test_an_unlinked_user_is_asked_to_link_first(world):
    said = await world.user("ou_stranger").say("卖了20台A100")
    assert "/start" in said
