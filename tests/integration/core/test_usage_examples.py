"""A usage message's example is made of codes that exist for the reader: a product and
terminal the dealer may sell (at its floor price), a violation number the manager can see,
a dealer of their scope, a staff code of their regions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.core.conversation import Conversation
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.integration.tickets.test_tickets import file_complaint
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def conv(uow_factory, clock):
    seed_catalog(uow_factory)
    return Conversation(uow_factory, clock)


def linked(conv, uow_factory, clock, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


def test_a_dealers_report_usage_names_their_own_product_and_terminal(conv, uow_factory, clock):
    sichuan = linked(conv, uow_factory, clock, "d1", dealer="D001")
    assert "例如 /report A100 20 3000 T-0001；" in sichuan.say("/report A100 20")
    shanghai = linked(conv, uow_factory, clock, "d2", dealer="D002")
    shanghai.say("/lang en")
    assert "e.g. /report X200 20 99 T-0012;" in shanghai.say("/report X200")


def test_a_dealers_stock_usage_names_a_product_of_their_lines(conv, uow_factory, clock):
    dealer = linked(conv, uow_factory, clock, "d2", dealer="D002")
    assert "例如 /stock X200 35" in dealer.say("/stock X200")


def test_a_managers_violation_usage_names_a_violation_they_can_see(conv, uow_factory, clock):
    dealer = linked(conv, uow_factory, clock, "d1", dealer="D001")
    dealer.say("/report A100 1 2900 T-0001")
    dealer.say("/report A100 1 2950 T-0001")
    boss = linked(conv, uow_factory, clock, "m1", manager="M01")
    assert "例如 /violation 2 penalize" in boss.say("/violation 2 maybe")


def test_target_and_contacts_usage_name_a_dealer_of_the_managers_scope(conv, uow_factory, clock):
    with uow_factory() as uow:  # a manager of Shanghai, whose one dealer is D002
        sh = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SH"))
        row = ManagerRow(code="M04", name="陈经理", role="sales_manager")
        row.regions.append(ManagerRegionRow(region=sh))
        uow.session.add(row)
        uow.commit()
    boss = linked(conv, uow_factory, clock, "m4", manager="M04")
    assert "例如 /target set D002 2026-Q3" in boss.say("/target set D002")
    assert "例如 /contacts D002；" in boss.say("/contacts D002 forget")


def test_an_unknown_assignee_gets_an_example_with_this_ticket_and_real_staff(
    conv, uow_factory, clock
):
    dealer = linked(conv, uow_factory, clock, "d1", dealer="D001")
    file_complaint(dealer)
    admin = linked(conv, uow_factory, clock, "m2", manager="M02")
    linked(conv, uow_factory, clock, "m1", manager="M01")
    answer = admin.say("/ticket 1 assign M99")
    assert "找不到人员编码“M99”" in answer and "例如 /ticket 1 assign M01" in answer
