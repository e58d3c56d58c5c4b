"""Who hears about a ticket: who works it, who it escalates to, who only knows of it."""

from __future__ import annotations

from collections.abc import Iterable

from domain.catalog.model import ManagerRole
from domain.identity.actors import Actor
from domain.shared.ports import UnitOfWork
from domain.tickets.model import Ticket


def unique_chats(actors: Iterable[Actor]) -> list[Actor]:
    seen, out = set(), []
    for a in actors:
        if (a.platform, a.chat_id) not in seen:
            seen.add((a.platform, a.chat_id))
            out.append(a)
    return out


def handlers_of(uow: UnitOfWork, ticket: Ticket) -> list[Actor]:
    """Who works the ticket: its assignee, else the dealer's agents and sales managers."""
    if ticket.assignee:
        found = uow.tickets.manager_contacts(ticket.assignee)
        if found:
            return found
    staff = uow.tickets.staff_for_dealer(ticket.dealer_code)
    working = [
        a for a in staff if a.manager_role in (ManagerRole.SERVICE_AGENT, ManagerRole.SALES_MANAGER)
    ]
    return working or [a for a in staff if a.is_admin]


def escalation_of(uow: UnitOfWork, ticket: Ticket) -> list[Actor]:
    """The dealer's sales managers (else its regional directors, else admins)."""
    staff = uow.tickets.staff_for_dealer(ticket.dealer_code)
    for role in (ManagerRole.SALES_MANAGER, ManagerRole.REGIONAL_DIRECTOR, ManagerRole.ADMIN):
        found = [a for a in staff if a.manager_role is role]
        if found:
            return found
    return []


def bystanders_of(uow: UnitOfWork, ticket: Ticket, working: Iterable[Actor]) -> list[Actor]:
    """Staff of the terminal's region who do not work the ticket (and are no admins)."""
    busy = {(a.platform, a.chat_id) for a in working}
    return [
        a
        for a in uow.tickets.staff_for_region(ticket.region_code)
        if not a.is_admin
        and (a.platform, a.chat_id) not in busy
        and a.manager_role in (ManagerRole.SERVICE_AGENT, ManagerRole.SALES_MANAGER)
    ]
