"""Whom a ticket could go to instead when its assignee has no chat account, read from the
fake unit of work: linked staff of the same role over the dealer's regions first, else
linked staff who work tickets there, never the assigner."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.catalog.model import DealerCode, Manager, ManagerCode, ManagerRole, RegionCode
from domain.identity.actors import Actor
from domain.tickets.model import Ticket, TicketCategory, TicketId, TicketStatus, Urgency
from domain.tickets.services import reachable_instead
from tests.fakes import FakeUnitOfWork, small_world

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
TICKET = Ticket(
    TicketId(1),
    DealerCode("D001"),
    TicketCategory.QUALITY,
    Urgency.NORMAL,
    TicketStatus.OPEN,
    "屏幕闪烁",
    NOW,
    NOW,
    NOW,
)


def world(*staff: tuple[str, ManagerRole, str, bool]):
    store = small_world()
    for code, role, region, linked in staff:
        m = Manager(ManagerCode(code), code, role, (RegionCode(region),))
        store.managers[m.code] = m
        if linked:
            store.identities[("console", code)] = Actor(
                "console", code, code, manager_code=m.code, manager_role=role
            )
    return store


def offered(store, agent: str, by: str | None = "M01") -> list[str]:
    with FakeUnitOfWork(store) as uow:
        found = reachable_instead(
            uow, TICKET, uow.catalog.manager(ManagerCode(agent)), ManagerCode(by) if by else None
        )
    return [m.code for m in found]


AGENT = ManagerRole.SERVICE_AGENT


def test_linked_agents_of_the_dealers_region_are_offered_first():
    store = world(("S1", AGENT, "SC", False), ("S2", AGENT, "SC", True), ("S3", AGENT, "SH", True))
    assert offered(store, "S1") == ["S2"]


def test_with_no_linked_agent_a_linked_sales_manager_of_the_region_is_offered():
    store = world(("S1", AGENT, "SC", False), ("M09", ManagerRole.SALES_MANAGER, "SC", True))
    assert offered(store, "S1") == ["M09"]


def test_the_assigner_is_never_offered_and_nobody_linked_gives_nothing():
    store = world(("S1", AGENT, "SC", False), ("M01x", AGENT, "SH", True))
    store.identities[("console", "boss")] = Actor(
        "console", "boss", "boss", manager_code=ManagerCode("M01"),
        manager_role=ManagerRole.SALES_MANAGER,
    )  # fmt: skip
    assert offered(store, "S1", by="M01") == []
    assert offered(store, "S1", by=None) == ["M01"]
