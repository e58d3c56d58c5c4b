"""The staff directory on SQLite and PostgreSQL: every manager of the catalog with their
role and regions, and whether a chat account is linked to them."""

from __future__ import annotations

from domain.catalog.model import ManagerRole, RegionCode
from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


def test_every_manager_is_listed_with_whether_they_are_linked(uow_factory, clock):
    seed_catalog(uow_factory)
    Chat(Conversation(uow_factory, clock), "m1").say(
        f"/start {invite(uow_factory, clock, manager='M01')}"
    )
    with uow_factory() as uow:
        members = uow.staff.members()
    assert [(m.code, m.manager.name, m.role, m.linked) for m in members] == [
        ("M01", "王经理", ManagerRole.SALES_MANAGER, True),
        ("M02", "李总", ManagerRole.ADMIN, False),
    ]
    assert members[0].manager.region_codes == (RegionCode("SC"),)
