"""A ticket moved by a manager's action: the new status, the fields it sets, the event."""

from __future__ import annotations

from datetime import datetime

from domain.catalog.model import ManagerCode
from domain.tickets.model import Ticket, TicketAction, TicketEvent, next_status
from domain.tickets.sla import SlaPolicy


def apply(
    ticket: Ticket,
    action: TicketAction,
    actor: str,
    now: datetime,
    sla: SlaPolicy,
    *,
    note: str = "",
    assignee: ManagerCode | None = None,
) -> TicketEvent:
    """Move `ticket` by `action` (mutating it) and return the event to record."""
    before = ticket.status
    ticket.status = next_status(before, action)
    if action is TicketAction.ASSIGN:
        ticket.assignee = assignee
    elif action is TicketAction.RESOLVE:
        ticket.resolution = note
        ticket.resolved_at = now
    elif action is TicketAction.CLOSE:
        ticket.closed_at = now
    elif action is TicketAction.REOPEN:
        # A reopened ticket gets a fresh SLA and fresh alerts.
        ticket.reopen_count += 1
        ticket.sla_started_at = now
        ticket.due_at = now + sla.duration(ticket.category, ticket.urgency)
        ticket.resolved_at = ticket.closed_at = None
        ticket.near_alerted_at = ticket.overdue_alerted_at = None
    return TicketEvent(ticket.id, now, actor, action, before, ticket.status, note)
