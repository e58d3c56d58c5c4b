"""A ticket given to staff who have no chat account: the assigner is warned that nobody will
tell them and offered linked staff of the same kind over the dealer's regions, one button
each; with nobody to offer, told how to get them linked."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.integration.tickets.test_tickets import file_complaint
from tests.support import Chat, invite, seed_catalog


def add_agent(uow_factory, code: str, name: str, region: str = "SC") -> None:
    with uow_factory() as uow:
        s = uow.session
        row = ManagerRow(code=code, name=name, role="service_agent")
        row.regions.append(ManagerRegionRow(region=s.query(RegionRow).filter_by(code=region).one()))
        s.add(row)
        uow.commit()


@pytest.fixture
def world(uow_factory, clock):
    seed_catalog(uow_factory)
    add_agent(uow_factory, "M03", "赵工")  # never links
    add_agent(uow_factory, "M05", "孙工")  # links
    add_agent(uow_factory, "M06", "周工", region="SH")  # links, another region
    conv = Conversation(uow_factory, clock)
    people = {}
    for user, kw in {
        "dealer1": {"dealer": "D001"},
        "boss_sc": {"manager": "M01"},
        "agent_sc": {"manager": "M05"},
        "agent_sh": {"manager": "M06"},
    }.items():
        people[user] = chat = Chat(conv, user)
        chat.say(f"/start {invite(uow_factory, clock, **kw)}")
    return people


def test_assigning_to_unlinked_staff_warns_and_offers_linked_staff_of_the_region(world):
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]
    answer = boss.say("/ticket 1 assign M03")
    assert "已指派给 赵工 (M03)" in answer
    assert "赵工（M03）还没有绑定机器人" in answer and "可以改派" in answer
    assert boss.choices() == [("改派给 孙工（售后专员）", "c:ticket 1 assign M05")]
    assert "已指派给 孙工 (M05)" in boss.press("孙工")
    assert "还没有绑定" not in boss.say(payload="c:ticket 1 assign M05")


def test_with_nobody_linked_to_offer_the_assigner_is_told_how_to_link_them(
    world, uow_factory, clock
):
    with uow_factory() as uow:  # the Sichuan agent leaves; Shanghai's is no help to D001
        uow.identities.unlink(uow.identities.contact_of("console", "agent_sc").identity_id)
        uow.commit()
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]  # not offered to themselves
    answer = boss.say("/ticket 1 assign M03")
    assert "赵工（M03）还没有绑定机器人" in answer
    assert "dealerbot invite manager M03" in answer and boss.buttons() == []


def test_assigning_to_linked_staff_gives_no_warning(world):
    file_complaint(world["dealer1"])
    answer = world["boss_sc"].say("/ticket 1 assign M05")
    assert "已指派给 孙工 (M05)" in answer and "还没有绑定" not in answer


def test_in_english_the_warning_names_them_and_the_buttons_reassign(world):
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]
    boss.say("/lang en")
    answer = boss.say("/ticket 1 assign M03")
    assert "赵工 (M03) has not linked a chat account" in answer
    assert [label for label, _ in boss.choices()] == ["Reassign to 孙工 (service agent)"]
