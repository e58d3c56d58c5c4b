"""The SLA clock of a ticket: how long it may take, when it is "near", when overdue.

Pure functions of the ticket and the time; the complaint_sla job asks `sla_alert_due` for each
open ticket and sends what it says, once per alert and SLA round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.tickets.model import Ticket, TicketCategory, Urgency


class SlaState(StrEnum):
    OK = "ok"
    NEAR = "near"
    OVERDUE = "overdue"
    STOPPED = "stopped"  # resolved or closed: the clock does not run


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Hours to resolve a ticket: urgency override, else category override, else default.

    A ticket is "near" its due time once `warn_fraction` of the SLA has elapsed or fewer than
    `warn_hours` remain, whichever comes first.
    """

    default_hours: int = 48
    by_category: Mapping[str, int] = field(default_factory=dict)
    by_urgency: Mapping[str, int] = field(default_factory=dict)
    warn_fraction: float = 0.8
    warn_hours: float = 4.0

    def duration(self, category: TicketCategory, urgency: Urgency) -> timedelta:
        hours = self.by_urgency.get(urgency) or self.by_category.get(category) or self.default_hours
        return timedelta(hours=hours)

    def warn_at(self, started: datetime, due: datetime) -> datetime:
        total = due - started
        return min(started + total * self.warn_fraction, due - timedelta(hours=self.warn_hours))

    def horizon(self, now: datetime) -> datetime:
        """No ticket due after this can be "near" now (for any configured SLA length).

        A ticket whose SLA is longer than every configured one (the config changed since)
        is warned a little later than its own share would say, never not at all.
        """
        longest = max([self.default_hours, *self.by_category.values(), *self.by_urgency.values()])
        lead = max(
            timedelta(hours=longest) * (1 - self.warn_fraction), timedelta(hours=self.warn_hours)
        )
        return now + lead

    def state(self, ticket: Ticket, now: datetime) -> SlaState:
        if not ticket.active:
            return SlaState.STOPPED
        if now >= ticket.due_at:
            return SlaState.OVERDUE
        if now >= self.warn_at(ticket.sla_started_at, ticket.due_at):
            return SlaState.NEAR
        return SlaState.OK


class SlaAlert(StrEnum):
    NEAR = "near"  # tell the assignee
    OVERDUE = "overdue"  # tell the assignee and escalate to the region's sales manager


def sla_alert_due(ticket: Ticket, now: datetime, sla: SlaPolicy) -> SlaAlert | None:
    """The one alert this ticket should get now, if any; each is sent once per SLA round."""
    state = sla.state(ticket, now)
    if state is SlaState.OVERDUE and ticket.overdue_alerted_at is None:
        return SlaAlert.OVERDUE
    if state is SlaState.NEAR and ticket.near_alerted_at is None:
        return SlaAlert.NEAR
    return None


def sla_dedupe_key(ticket: Ticket, alert: SlaAlert) -> str:
    """`complaint_sla:<near|overdue>:<ticket>`, with `:r<n>` after the n-th reopen."""
    key = f"complaint_sla:{alert.value}:{ticket.id}"
    return key + (f":r{ticket.reopen_count}" if ticket.reopen_count else "")
