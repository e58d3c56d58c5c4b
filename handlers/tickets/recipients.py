"""Who hears about a ticket, and queueing a message to them in their own language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from domain.catalog.model import ManagerRole
from domain.identity.actors import Actor
from domain.shared.outbox import OutgoingMessage
from domain.shared.ports import UnitOfWork
from domain.tickets.model import Ticket
from domain.tickets.sla import SlaPolicy
from handlers.core.i18n import Translator
from handlers.core.messages import Reply
from handlers.core.options import CoreOptions


def sla_policy(options: CoreOptions) -> SlaPolicy:
    return SlaPolicy(
        default_hours=options.complaint_sla_hours,
        by_category=dict(options.complaint_sla_by_category),
        by_urgency=dict(options.complaint_sla_by_urgency),
        warn_fraction=options.complaint_sla_warn_fraction,
        warn_hours=options.complaint_sla_warn_hours,
    )


def queue(
    uow: UnitOfWork,
    recipient: Actor,
    key: str,
    build: Callable[[Translator], Reply],
    now: datetime,
    options: CoreOptions,
) -> bool:
    """Queue a message to `recipient` in their language, once per key and chat."""
    t = Translator(recipient.locale or options.default_locale)
    return uow.outbox.enqueue(
        OutgoingMessage(
            dedupe_key=f"{key}:{recipient.platform}:{recipient.chat_id}",
            platform=recipient.platform,
            chat_id=recipient.chat_id,
            payload=build(t).to_dict(),
            identity_id=recipient.identity_id,
        ),
        now,
    )


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
