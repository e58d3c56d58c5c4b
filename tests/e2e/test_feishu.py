"""The Feishu transport end to end: the real lark-oapi SDK (long connection and REST) against
a local fake Feishu speaking the SDK's own protobuf frames."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import func, select

from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from storage.sales.models import SaleRow
from tests.e2e.fake_feishu import TENANT, card_buttons
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

    assert world.audit_count("cmd:report") >= 1


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


async def test_a_severe_violation_reaches_a_feishu_manager_who_decides_from_the_card(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    manager = await linked(world, clock, "ou_manager", manager="M01")

    await dealer.say("/report A100 20 2500 T-0001")  # under the floor: asked once more
    assert "#1" in await dealer.press("确定")

    # The alert comes through the Feishu outbox as a card with the decision's buttons.
    await world.fake.wait_for(lambda: any(m.buttons for m in manager.shown()))
    alert = manager.card_with("确认违规")
    assert "D001" in alert.text and alert.uuid
    assert [label for label, _ in alert.buttons] == ["确认违规", "驳回"]

    said = await manager.press("确认违规", on=alert)

    assert said
    assert world.fake.acks  # every frame was acknowledged
    assert alert.patches and not any(
        e.get("tag") == "action" for e in alert.current["elements"]
    )  # the card lost its buttons and says what was chosen
    assert "→ 确认违规" in str(alert.current)
    assert world.audit_count("cmd:violation") == 1


async def test_a_card_press_is_acknowledged_with_a_toast(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    await dealer.say("/lang")
    card = dealer.card_with("English")
    frame = await world.fake.push(world.fake.press_event("ou_dealer", card, "English"))
    answer = await world.fake.acked(frame)
    assert answer["code"] == 200 and answer["data"]["toast"]["content"] == "→ English"
    await world.fake.wait_for(lambda: len(dealer.shown()) > 2)
    with world.app.uow_factory() as uow:
        assert uow.identities.find("feishu", f"{TENANT}:ou_dealer").locale == "en"


async def test_a_director_approves_from_the_card_and_the_card_becomes_the_decision(world, clock):
    with world.app.uow_factory() as uow:
        sc = uow.session.query(RegionRow).filter_by(code="SC").one()
        director = ManagerRow(code="M05", name="周总监", role="marketing_director")
        director.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(director)
        uow.commit()
    manager = await linked(world, clock, "ou_director", manager="M05")
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")

    await dealer.say("/exception request A100 2600 T-0001 5 2026-12-31 集采")
    assert "已提交价格例外申请 #1" in await dealer.press("确认发送")

    await world.fake.wait_for(lambda: any("待您审批" in m.text for m in manager.shown()))
    card = manager.card_with("批准")
    before = len(manager.shown())
    frame = await world.fake.push(world.fake.press_event("ou_director", card, "批准"))
    await world.fake.acked(frame)
    await world.fake.wait_for(lambda: "已批准" in str(card.current))

    decided = card.current
    assert not any(e.get("tag") == "action" for e in decided["elements"])  # no buttons left
    assert re.search(r"周总监 \(M\d+\)，\d{4}/\d+/\d+ \d+:\d+", str(decided))
    assert decided["config"]["update_multi"]  # everyone who was shown it sees the decision
    await asyncio.sleep(0.5)
    assert not any("已批准" in m.text for m in manager.shown()[before:])  # not said twice


async def test_events_pushed_together_are_stored_in_one_commit_and_a_repeat_counts_once(world):
    commits: list[int] = []
    store = world.service.inbox.receive

    async def counted(entries):
        commits.append(len(entries))
        return await store(entries)

    world.service.inbox.receive = counted
    bodies = [world.fake.message_event(f"ou_{n}", "text", {"text": "/help"}) for n in range(20)]
    await asyncio.gather(*(world.service.receive(b) for b in [*bodies, bodies[0]]))

    assert commits == [20]  # one transaction for the burst, the repeat folded into it
    await world.fake.wait_for(lambda: all(world.fake.to(f"ou_{n}") for n in range(20)))
    await asyncio.sleep(0.3)
    assert len(world.fake.to("ou_0")) == 1


async def test_a_press_in_a_card_frame_is_not_dropped(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    await dealer.say("/lang")
    card = dealer.card_with("English")
    [value] = [v for label, v in card.buttons if label == "English"]
    old_form = {  # the older card callback, in a frame typed `card` (the SDK drops those)
        "open_id": "ou_dealer",
        "tenant_key": TENANT,
        "open_message_id": card.message_id,
        "token": "c-old-form",
        "action": {"value": value, "tag": "button"},
    }
    said = await dealer.answer(old_form, kind="card")
    assert said.isascii()
    with world.app.uow_factory() as uow:
        assert uow.identities.find("feishu", f"{TENANT}:ou_dealer").locale == "en"


async def test_an_event_split_over_several_frames_is_put_together(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    body = world.fake.message_event("ou_dealer", "text", {"text": "/report A100 3 3500 T-0001"})
    before = len(dealer.shown())
    frame = await world.fake.push(body, parts=3)
    assert (await world.fake.acked(frame))["code"] == 200
    await world.fake.wait_for(lambda: len(dealer.shown()) > before)
    assert "× 3" in dealer.shown()[-1].text


async def test_an_event_that_could_not_be_stored_is_not_acknowledged(world):
    async def broken(entries):
        raise OSError("database is gone")

    world.service.inbox.receive = broken
    frame = await world.fake.push(world.fake.message_event("ou_x", "text", {"text": "/help"}))
    assert (await world.fake.acked(frame))["code"] == 500  # Feishu pushes it again
    await asyncio.sleep(0.3)
    assert world.fake.to("ou_x") == []


async def test_a_message_in_a_group_is_answered_there_with_a_pointer_to_the_private_chat(
    world, clock
):
    code = invite(world.app.uow_factory, clock, dealer="D001")
    body = world.fake.message_event("ou_dealer", "text", {"text": f"@_user_1 /start {code}"})
    body["event"]["message"]["chat_type"] = "group"

    said = await world.user("ou_dealer").answer(body)

    assert "私聊" in said
    [answer] = world.fake.to("ou_dealer")
    assert answer.reply_to == body["event"]["message"]["message_id"]  # in the group, quoted
    with world.app.uow_factory() as uow:
        assert uow.identities.find("feishu", f"{TENANT}:ou_dealer") is None


async def test_a_second_press_of_a_confirmed_form_records_nothing_more(world, clock):
    dealer = await linked(world, clock, "ou_dealer", dealer="D001")
    await dealer.say("/report A100 20 2500 T-0001")  # under the floor: asked once more
    card = dealer.card_with("确定")
    assert "#1" in await dealer.press("确定", on=card)
    assert card_buttons(card.current) == []  # the buttons went away

    # Pressed again from another device that still shows the buttons: a new event, the same
    # payload with its step tag.
    again = world.fake.press_event("ou_dealer", card, "确定", from_original=True)
    await dealer.answer(again)

    with world.app.uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SaleRow)) == 1
