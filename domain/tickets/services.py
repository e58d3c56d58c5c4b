"""Ticket use cases: open, move (assign, resolve, close, reopen), rate, and the SLA round.

The status rules are `lifecycle` and `model`; these record the events, mark the tickets and
say who hears of each, and the handlers word the messages. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.catalog.model import Manager, ManagerCode, ManagerRole
from domain.identity.actors import Actor
from domain.identity.staff import staff_over
from domain.shared.ports import UnitOfWork
from domain.tickets.lifecycle import apply
from domain.tickets.model import (
    FollowUp,
    NewTicket,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketStatus,
    rating_reopens,
)
from domain.tickets.recipients import bystanders_of, escalation_of, handlers_of, unique_chats
from domain.tickets.sla import SlaAlert, SlaPolicy, sla_alert_due, sla_dedupe_key


@dataclass(frozen=True, slots=True)
class Opened:
    ticket: Ticket
    working: tuple[Actor, ...]  # who works it, told of a new ticket
    bystanders: tuple[Actor, ...]  # staff of the customer's region, told to know only


def open_ticket(
    uow: UnitOfWork, new: NewTicket, *, actor: str, now: datetime, sla: SlaPolicy
) -> Opened:
    """Store a new ticket, due by its SLA, with its creation event."""
    ticket = uow.tickets.add(new, now, now + sla.duration(new.category, new.urgency))
    uow.tickets.record_event(
        TicketEvent(ticket.id, now, actor, TicketAction.CREATE, None, ticket.status)
    )
    working = unique_chats(handlers_of(uow, ticket))
    bystanders = unique_chats(bystanders_of(uow, ticket, working))
    return Opened(ticket, tuple(working), tuple(bystanders))


@dataclass(frozen=True, slots=True)
class Moved:
    event: TicketEvent
    dealer_contacts: tuple[Actor, ...]  # told of the move (none when the dealer is not told)


def move(
    uow: UnitOfWork,
    ticket: Ticket,
    action: TicketAction,
    *,
    actor: str,
    now: datetime,
    sla: SlaPolicy,
    note: str = "",
    assignee: ManagerCode | None = None,
    tell_dealer: bool = True,
) -> Moved:
    """Move `ticket` by `action` and record the event; raises TransitionRefused."""
    event = apply(ticket, action, actor, now, sla, note=note, assignee=assignee)
    uow.tickets.save(ticket)
    event = uow.tickets.record_event(event)
    contacts = uow.identities.dealer_contacts(ticket.dealer_code) if tell_dealer else []
    return Moved(event, tuple(contacts))


class AssignProblem(StrEnum):
    UNKNOWN_AGENT = "unknown_agent"
    OUTSIDE_REGION = "outside_region"


class AssignRefused(ValueError):
    def __init__(self, problem: AssignProblem, agent: Manager | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.agent = agent


@dataclass(frozen=True, slots=True)
class Assigned:
    moved: Moved
    agent: Manager
    agent_contacts: tuple[Actor, ...]  # the agent's chats, unless they took it themselves
    # When the agent has no chat account (nobody will tell them): linked staff of their
    # role over the dealer's regions, else anyone linked who works tickets there.
    unreachable: bool = False  # given by someone else to an agent nobody can tell
    reachable: tuple[Manager, ...] = ()


def assign(
    uow: UnitOfWork,
    ticket: Ticket,
    code: ManagerCode | None,
    *,
    by: ManagerCode | None,
    actor: str,
    now: datetime,
    sla: SlaPolicy,
) -> Assigned:
    """Give `ticket` to the staff member `code`, who must cover one of the dealer's regions
    (an admin covers all); `by` is who assigns. Raises AssignRefused, TransitionRefused."""
    agent = uow.catalog.manager(code) if code else None
    if agent is None:
        raise AssignRefused(AssignProblem.UNKNOWN_AGENT)
    tree = uow.catalog.region_tree()
    dealer_regions = uow.catalog.dealer_regions(ticket.dealer_code)
    covers = agent.role is ManagerRole.ADMIN or any(
        tree.is_within(r, mine) for r in dealer_regions for mine in agent.region_codes
    )
    if not covers:
        raise AssignRefused(AssignProblem.OUTSIDE_REGION, agent)
    moved = move(
        uow,
        ticket,
        TicketAction.ASSIGN,
        actor=actor,
        now=now,
        sla=sla,
        note=agent.code,
        assignee=agent.code,
    )
    if agent.code == by:
        return Assigned(moved, agent, ())
    contacts = uow.tickets.manager_contacts(agent.code)
    if contacts:
        return Assigned(moved, agent, tuple(contacts))
    return Assigned(
        moved, agent, (), unreachable=True, reachable=reachable_instead(uow, ticket, agent, by)
    )


WORKS_TICKETS = frozenset({ManagerRole.SERVICE_AGENT, ManagerRole.SALES_MANAGER})


def reachable_instead(
    uow: UnitOfWork, ticket: Ticket, agent: Manager, by: ManagerCode | None
) -> tuple[Manager, ...]:
    """Whom a ticket given to `agent` (who has no chat account) could go to instead: linked
    staff of the agent's role over the dealer's regions, else linked staff who work tickets
    there (service agents, sales managers); never the assigner, who may take it outright."""
    tree = uow.catalog.region_tree()
    regions = uow.catalog.dealer_regions(ticket.dealer_code)
    linked = [m for m in uow.staff.members() if m.linked and m.code not in (agent.code, by)]
    for roles in (frozenset({agent.role}), WORKS_TICKETS):
        found = staff_over(linked, regions, tree, roles=roles)
        if found:
            return tuple(m.manager for m in found)
    return ()


class RateProblem(StrEnum):
    NOT_RESOLVED = "not_resolved"
    ALREADY_RATED = "already_rated"


class RateRefused(ValueError):
    def __init__(self, problem: RateProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Rated:
    moves: tuple[TicketEvent, ...]  # the reopen or the close the rating caused
    reopened: bool
    staff: tuple[Actor, ...]  # told of a reopen by a low rating


def rate(
    uow: UnitOfWork,
    ticket: Ticket,
    rating: int,
    *,
    actor: str,
    now: datetime,
    sla: SlaPolicy,
    reopen_note: str,
) -> Rated:
    """Record the dealer's follow-up rating: a low one reopens the ticket (with
    `reopen_note`), another closes a resolved one. Raises RateRefused."""
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise RateRefused(RateProblem.NOT_RESOLVED)
    if not uow.tickets.add_followup(FollowUp(ticket.id, now, actor, rating, ticket.reopen_count)):
        raise RateRefused(RateProblem.ALREADY_RATED)
    uow.tickets.record_event(
        TicketEvent(
            ticket.id, now, actor, TicketAction.RATE, ticket.status, ticket.status, str(rating)
        )
    )

    def quietly(action: TicketAction, note: str) -> TicketEvent:  # the dealer knows: they rated
        return move(
            uow, ticket, action, actor=actor, now=now, sla=sla, note=note, tell_dealer=False
        ).event

    if rating_reopens(rating):
        reopened = quietly(TicketAction.REOPEN, reopen_note)
        staff = unique_chats(handlers_of(uow, ticket) + escalation_of(uow, ticket))
        return Rated((reopened,), True, tuple(staff))
    if ticket.status is TicketStatus.RESOLVED:
        return Rated((quietly(TicketAction.CLOSE, f"{rating}/5"),), False, ())
    return Rated((), False, ())


@dataclass(frozen=True, slots=True)
class SlaNotice:
    ticket: Ticket
    alert: SlaAlert
    dedupe_key: str
    recipients: tuple[tuple[Actor, bool], ...]  # each with whether it is an escalation to them


def sla_round(uow: UnitOfWork, now: datetime, sla: SlaPolicy) -> list[SlaNotice]:
    """The SLA alerts due now, each ticket marked as alerted (the caller queues and commits).

    Near its due time the ticket's workers are warned; once overdue they are told and the
    dealer's sales manager gets the escalation. Each alert goes out once per ticket (and
    again only after a reopen): the ticket remembers it, and its dedupe key guards reruns.
    """
    notices = []
    for ticket in uow.tickets.due_for_sla(now, sla.horizon(now)):
        alert = sla_alert_due(ticket, now, sla)
        if alert is None:
            continue
        workers = handlers_of(uow, ticket)
        if alert is SlaAlert.NEAR:
            recipients = workers
            ticket.near_alerted_at = now
        else:
            recipients = unique_chats(workers + escalation_of(uow, ticket))
            ticket.overdue_alerted_at = now
            ticket.near_alerted_at = ticket.near_alerted_at or now  # no "near" after overdue
        told = tuple(
            (person, alert is SlaAlert.OVERDUE and person not in workers) for person in recipients
        )
        notices.append(SlaNotice(ticket, alert, sla_dedupe_key(ticket, alert), told))
        uow.tickets.save(ticket)
    return notices
