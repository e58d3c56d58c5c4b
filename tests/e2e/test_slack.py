"""The Slack transport end to end: real Bolt over HTTP, a fake Slack Web API, signed requests."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from bot.transports.slack.blocks import slack_commands
from handlers.core.conversation import Conversation
from handlers.core.i18n import Translator
from handlers.core.messages import Inbound, Reply
from tests.e2e.slack_world import signed, start_world
from tests.support import ROUTER, invite, seed_catalog


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock)
    yield world
    await shutdown()


def needs(*names: str) -> None:

    missing = [n for n in names if ROUTER.lookup(n) is None]
    if missing:
        pytest.skip(f"command(s) {', '.join(missing)} not registered yet (being written)")


async def test_a_manager_links_with_the_slash_command_and_is_answered_privately(world, clock):
    manager = world.user("UMGR", channel="CGENERAL")
    code = invite(world.app.uow_factory, clock, manager="M01")

    said = await manager.command(f"start {code}")

    assert "王经理" in said
    assert [m.kind for m in manager.last] == ["respond"]  # ephemeral, in the channel
    with world.app.uow_factory() as uow:
        actor = uow.identities.find("slack", "T1:UMGR")
    assert actor is not None and actor.manager_code == "M01"
    assert actor.chat_id == "DUMGR"  # proactive messages go to the DM channel
    if ROUTER.lookup("violations"):
        assert "/dealer violations" in await manager.command("")


async def test_a_bare_slash_command_lists_what_this_user_may_do(world):
    stranger = world.user("USTRANGER", channel="CGENERAL")
    said = await stranger.command("")
    assert "/dealer start" in said  # the core's "/start" written the way Slack users type it
    assert "/dealer violations" not in said


async def test_a_dealer_links_and_talks_by_dm_without_slashes(world, clock):
    dealer = world.user("UDLR")
    code = invite(world.app.uow_factory, clock, dealer="D001")

    assert "华西医疗" in await dealer.say(f"start {code}")
    assert [m.kind for m in dealer.last] == ["post"]
    assert dealer.last[0].channel == "DUDLR"
    assert "/dealer lang" in await dealer.say("help")


async def test_an_unlinked_user_is_asked_to_link_first(world):
    stranger = world.user("UNEW")
    said = await stranger.say("卖了20台A100")
    assert said == slack_commands(Translator("zh_CN")("error.link_first"), ROUTER.known_names())
    assert "/dealer start" in said


async def test_a_new_user_is_answered_in_their_slack_language(world, clock):
    world.fake.locales["UEN"] = "en-US"
    newcomer = world.user("UEN")
    said = await newcomer.say("hello")
    assert said.isascii()  # not the default Chinese
    code = invite(world.app.uow_factory, clock, dealer="D001")
    await newcomer.say(f"start {code}")
    with world.app.uow_factory() as uow:
        assert uow.identities.find("slack", "T1:UEN") is not None
    assert len(world.fake.called("users.info")) == 1  # asked once


async def test_lang_shows_buttons_and_pressing_one_switches_the_language(world, clock):
    dealer = world.user("UDLR")
    code = invite(world.app.uow_factory, clock, dealer="D001")
    await dealer.say(f"start {code}")

    await dealer.command("lang")  # typed in the DM: answered with a normal message
    assert [label for label, _ in dealer.last[0].buttons] == ["中文", "English"]

    said = await dealer.press("English")

    assert said.isascii() and said
    with world.app.uow_factory() as uow:
        assert uow.identities.find("slack", "T1:UDLR").locale == "en"
    replaced = world.fake.called("response_url.replace")
    assert replaced and not any(b["type"] == "actions" for b in replaced[-1]["blocks"])


async def test_a_retried_event_has_one_effect_and_one_answer(world, clock):
    dealer = world.user("UDLR")
    code = invite(world.app.uow_factory, clock, dealer="D001")
    await dealer.say(f"start {code}")
    before = len(dealer.shown())

    first = await dealer.dm_request("help", event_id="EvRETRY")
    await world.fake.wait_for(lambda: len(dealer.shown()) > before)
    again = await dealer.dm_request("help", event_id="EvRETRY", retry=1)
    await asyncio.sleep(0.5)

    assert first.status == again.status == 200
    assert len(dealer.shown()) == before + 1
    assert world.audit_count("cmd:help") == 1


async def test_a_repeated_trigger_id_has_no_second_effect(world, clock):
    manager = world.user("UMGR", channel="CGENERAL")
    code = invite(world.app.uow_factory, clock, manager="M01")
    await manager.command_request(f"start {code}", trigger_id="trig.same")
    await world.fake.wait_for(lambda: len(manager.shown()) == 1)
    await manager.command_request(f"start {code}", trigger_id="trig.same")
    await asyncio.sleep(0.5)
    assert len(manager.shown()) == 1
    assert world.audit_count("link") == 1


async def test_a_request_with_a_bad_signature_is_refused_without_effect(world, clock):
    manager = world.user("UMGR", channel="CGENERAL")
    code = invite(world.app.uow_factory, clock, manager="M01")

    posted = await manager.command_request(f"start {code}", secret="not-the-secret")
    await asyncio.sleep(0.3)

    assert posted.status == 401
    assert world.fake.messages == [] and world.fake.called("conversations.open") == []
    with world.app.uow_factory() as uow:
        assert uow.identities.find("slack", "T1:UMGR") is None


async def test_a_request_older_than_five_minutes_is_refused_without_effect(world, clock):
    dealer = world.user("UDLR")
    code = invite(world.app.uow_factory, clock, dealer="D001")

    posted = await dealer.command_request(f"start {code}", ts=int(time.time()) - 6 * 60)
    await asyncio.sleep(0.3)

    assert posted.status == 401
    assert world.fake.messages == []
    with world.app.uow_factory() as uow:
        assert uow.identities.find("slack", "T1:UDLR") is None


async def test_the_events_url_answers_slacks_verification_challenge(world):
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    posted = await world.post(body, "application/json", signed(body))
    assert posted.status == 200 and "c-123" in posted.text
    forged = await world.post(body, "application/json", signed(body, secret="guess"))
    assert forged.status == 401


class SlowConversation:
    """The real core, three and a half seconds late (e.g. a big import or a slow database)."""

    def __init__(self, inner: Conversation, delay: float = 3.5) -> None:
        self.inner = inner
        self.delay = delay

    def handle(self, inbound: Inbound) -> list[Reply]:
        time.sleep(self.delay)
        return self.inner.handle(inbound)

    async def handle_async(self, inbound: Inbound) -> list[Reply]:
        return await asyncio.to_thread(self.handle, inbound)


async def test_a_slow_handler_still_acks_within_three_seconds(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock)
    world.service.requests.conversation = SlowConversation(world.app.conversation)
    try:
        user = world.user("USLOW", channel="CGENERAL")
        command = await user.command_request("help")
        event = await user.dm_request("help", event_id="EvSLOW")
        # Slack gave up waiting (it did not: we acked) and retried anyway: still one answer.
        retry = await user.dm_request("help", event_id="EvSLOW", retry=1)

        assert command.status == event.status == retry.status == 200
        assert max(command.seconds, event.seconds, retry.seconds) < 1.0
        await world.fake.wait_for(lambda: len(user.shown()) >= 2, timeout=15)
        await asyncio.sleep(0.5)
        assert len(user.shown()) == 2  # one for the command, one for the DM
    finally:
        await shutdown()


async def test_a_spreadsheet_sent_by_dm_reaches_the_core_once(world, clock):
    dealer = world.user("UDLR")
    code = invite(world.app.uow_factory, clock, dealer="D001")
    await dealer.say(f"start {code}")
    file = world.fake.host("sales.xlsx", b"PK\x03\x04 spreadsheet bytes")
    before = len(dealer.shown())

    await dealer.dm_request("", files=[file])
    await dealer.event_request(
        {"type": "file_shared", "file_id": file["id"], "user_id": "UDLR", "channel_id": "DUDLR"},
        event_id="EvFILE",
    )
    await world.fake.wait_for(lambda: len(dealer.shown()) > before)
    await asyncio.sleep(0.5)

    assert world.fake.downloads == [("sales.xlsx", "Bearer xoxb-test")]
    assert len(dealer.shown()) == before + 1


async def test_a_file_shared_in_a_channel_is_ignored(world, clock):
    file = world.fake.host("notes.xlsx", b"PK")
    await world.user("UDLR").event_request(
        {"type": "file_shared", "file_id": file["id"], "user_id": "UDLR", "channel_id": "CGENERAL"},
        event_id="EvCHANFILE",
    )
    await asyncio.sleep(0.4)
    assert world.fake.downloads == [] and world.fake.messages == []


async def test_the_bots_own_uploads_are_not_taken_as_requests(world):
    await world.user("UBOT").event_request(
        {"type": "file_shared", "file_id": "FUP1", "user_id": "UBOT", "channel_id": "DU1"},
        event_id="EvOWN",
    )
    await asyncio.sleep(0.4)
    assert world.fake.called("conversations.open") == [] and world.fake.messages == []


# -- business flows across roles (commands written by other engineers) -------------------


async def _linked(world, clock, user_id: str, channel: str = "", **who: str):
    user = world.user(user_id, channel=channel)
    code = invite(world.app.uow_factory, clock, **who)
    await user.command(f"start {code}")
    return user


async def test_a_dealer_reports_an_underpriced_sale_by_dm_and_the_manager_sees_it(world, clock):
    needs("report", "violations")
    dealer = await _linked(world, clock, "UDLR", dealer="D001")
    manager = await _linked(world, clock, "UMGR", "CGENERAL", manager="M01")

    await dealer.say("report A100 20 2500 T-0001")  # floor is 3000: asked again
    said = await dealer.press("确定")
    assert "#1" in said

    listing = await manager.command("violations")
    assert "D001" in listing or "华西医疗" in listing


async def test_a_retried_report_records_one_sale(world, clock):
    needs("report")
    dealer = await _linked(world, clock, "UDLR", dealer="D001")
    before = len(dealer.shown())
    await dealer.dm_request("report A100 20 3500 T-0001", event_id="EvSALE")
    await world.fake.wait_for(lambda: len(dealer.shown()) > before)
    await dealer.dm_request("report A100 20 3500 T-0001", event_id="EvSALE", retry=1)
    await dealer.dm_request("report A100 20 3500 T-0001", event_id="EvSALE", retry=2)
    await asyncio.sleep(0.5)
    assert world.audit_count("cmd:report") == 1
    assert len(dealer.shown()) == before + 1


async def test_a_manager_reads_targets_with_the_slash_command(world, clock):
    needs("targets")
    manager = await _linked(world, clock, "UMGR", "CGENERAL", manager="M01")
    said = await manager.command("targets")
    assert said and "error" not in said.lower()


async def test_a_dealer_cannot_use_manager_commands(world, clock):
    needs("targets")
    dealer = await _linked(world, clock, "UDLR", dealer="D001")
    said = await dealer.command("targets")
    assert world.audit_count("refused") == 1 and said


async def test_socket_mode_takes_a_slash_command_acks_it_and_answers(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock, mode="socket", app_token="xapp-test")
    try:
        manager = world.user("UMGR", channel="CGENERAL")
        code = invite(world.app.uow_factory, clock, manager="M01")
        body = {
            "team_id": "T1",
            "channel_id": "CGENERAL",
            "user_id": "UMGR",
            "user_name": "umgr",
            "command": "/dealer",
            "text": f"start {code}",
            "response_url": world.fake.response_url("CGENERAL", 1),
            "trigger_id": "trig.socket",
        }
        await world.fake.push("slash_commands", body, envelope_id="env-1")

        await world.fake.wait_for(lambda: len(manager.shown()) == 1)
        assert "王经理" in manager.shown()[0].text
        assert [a["envelope_id"] for a in world.fake.socket_acks] == ["env-1"]
    finally:
        await shutdown()


async def test_a_guided_form_runs_on_buttons_privately_in_a_channel(world, clock):
    needs("complaint")
    dealer = await _linked(world, clock, "UDLR", "CSALES", dealer="D001")

    await dealer.command("complaint")
    assert dealer.last[-1].kind == "respond" and dealer.last[-1].buttons
    await dealer.press("质量")  # a form answer (f:...) from an ephemeral message
    assert any("T-0001" in label for label, _ in dealer.last[-1].buttons)
    await dealer.press("取消")

    with world.app.uow_factory() as uow:
        assert uow.forms.get("slack", "DUDLR", "T1:UDLR") is None
    assert all(m.kind == "respond" for m in dealer.shown()[1:])  # nothing public in #sales
