"""Complaint / after-sales tickets: value types, the status machine, the repository port.

A ticket moves open -> in_progress -> resolved -> closed; resolved and closed tickets may be
reopened. Every transition is checked here (pure code) and recorded as a TicketEvent by the
caller. The SLA clock (domain.tickets.sla) runs from `sla_started_at` (creation, or the last reopen)
to `due_at`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NewType, Protocol

from domain.catalog.model import DealerCode, ManagerCode, RegionCode, Sku, TerminalCode
from domain.identity.actors import Actor

TicketId = NewType("TicketId", int)


class TicketCategory(StrEnum):
    QUALITY = "quality"
    DELIVERY = "delivery"
    SERVICE = "service"
    RETURN_EXCHANGE = "return_exchange"
    PRICING = "pricing"
    OTHER = "other"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


ACTIVE = frozenset({TicketStatus.OPEN, TicketStatus.IN_PROGRESS})


class TicketAction(StrEnum):
    CREATE = "create"
    ASSIGN = "assign"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    RATE = "rate"


# Which statuses each action may start from, and where it leads.
TRANSITIONS: Mapping[TicketAction, tuple[frozenset[TicketStatus], TicketStatus]] = {
    TicketAction.ASSIGN: (ACTIVE, TicketStatus.IN_PROGRESS),
    TicketAction.RESOLVE: (ACTIVE, TicketStatus.RESOLVED),
    TicketAction.CLOSE: (frozenset({TicketStatus.RESOLVED}), TicketStatus.CLOSED),
    TicketAction.REOPEN: (
        frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED}),
        TicketStatus.OPEN,
    ),
}

MIN_RATING, MAX_RATING = 1, 5
REOPEN_AT_OR_BELOW = 2  # a rating this low sends the ticket back for review


class TransitionRefused(ValueError):
    """The action is not allowed from the ticket's current status."""

    def __init__(self, action: TicketAction, status: TicketStatus) -> None:
        super().__init__(f"{action} not allowed from {status}")
        self.action = action
        self.status = status


def next_status(status: TicketStatus, action: TicketAction) -> TicketStatus:
    """The status after `action`, or TransitionRefused."""
    allowed_from, to = TRANSITIONS[action]
    if status not in allowed_from:
        raise TransitionRefused(action, status)
    return to


def allowed_actions(status: TicketStatus) -> list[TicketAction]:
    return [a for a, (src, _) in TRANSITIONS.items() if status in src]


def rating_reopens(rating: int) -> bool:
    if not MIN_RATING <= rating <= MAX_RATING:
        raise ValueError(f"rating {rating} outside {MIN_RATING}-{MAX_RATING}")
    return rating <= REOPEN_AT_OR_BELOW


@dataclass(frozen=True, slots=True)
class Photo:
    filename: str
    mime: str
    content: bytes


@dataclass(frozen=True, slots=True)
class NewTicket:
    dealer_code: DealerCode
    category: TicketCategory
    urgency: Urgency
    description: str
    created_by: str  # actor label, e.g. dealer:D001
    region_code: RegionCode | None = None
    terminal_code: TerminalCode | None = None
    customer: str = ""
    sku: Sku | None = None
    photos: tuple[Photo, ...] = ()


@dataclass(slots=True)
class Ticket:
    id: TicketId
    dealer_code: DealerCode
    category: TicketCategory
    urgency: Urgency
    status: TicketStatus
    description: str
    created_at: datetime
    sla_started_at: datetime
    due_at: datetime
    region_code: RegionCode | None = None
    terminal_code: TerminalCode | None = None
    customer: str = ""
    sku: Sku | None = None
    assignee: ManagerCode | None = None
    resolution: str = ""
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_count: int = 0
    near_alerted_at: datetime | None = None
    overdue_alerted_at: datetime | None = None
    photo_count: int = 0
    rating: int | None = None  # the latest follow-up rating

    @property
    def number(self) -> str:
        return ticket_number(self.id)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def ticket_number(ticket_id: int) -> str:
    return f"C{ticket_id:05d}"


def parse_ticket_id(text: str) -> TicketId | None:
    """`12`, `#12`, `C00012` or `c12` -> 12; anything else -> None."""
    t = text.strip().lstrip("#").upper()
    if t.startswith("C"):
        t = t[1:]
    return TicketId(int(t)) if t.isdecimal() and 0 < int(t) < 2**31 else None


@dataclass(frozen=True, slots=True)
class TicketEvent:
    ticket_id: TicketId
    at: datetime
    actor: str
    action: TicketAction
    from_status: TicketStatus | None
    to_status: TicketStatus
    note: str = ""
    id: int | None = None


# -- statistics ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketStats:
    """Per dealer or per region: tickets, resolved on time, average follow-up rating."""

    key: str
    tickets: int
    resolved: int
    on_time: int
    ratings: int
    average_rating: float | None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.resolved if self.resolved else None


@dataclass(frozen=True, slots=True)
class FollowUp:
    ticket_id: TicketId
    at: datetime
    actor: str
    rating: int
    round: int  # the ticket's reopen_count when rated: one rating per resolution


class TicketRepository(Protocol):
    def add(self, new: NewTicket, now: datetime, due_at: datetime) -> Ticket: ...
    def get(self, ticket_id: TicketId, *, for_update: bool = False) -> Ticket | None:
        """The ticket; `for_update` holds it until the transaction ends."""
        ...

    def save(self, ticket: Ticket) -> None:
        """Store the ticket's mutable fields (status, assignee, times, alert marks)."""
        ...

    def record_event(self, event: TicketEvent) -> TicketEvent: ...
    def events(self, ticket_id: TicketId) -> list[TicketEvent]: ...
    def photos(self, ticket_id: TicketId) -> list[Photo]: ...
    def for_dealer(self, dealer: DealerCode, limit: int = 20) -> list[Ticket]: ...
    def of_dealers(
        self,
        dealers: Sequence[DealerCode] | None,
        now: datetime,
        *,
        active_only: bool = False,
        limit: int = 30,
        offset: int = 0,
    ) -> list[Ticket]:
        """Tickets of these dealers (None: all), overdue first, then by due time."""
        ...

    def count_of_dealers(
        self, dealers: Sequence[DealerCode] | None, *, active_only: bool = False
    ) -> int:
        """How many `of_dealers` would list without a limit."""
        ...

    def active(self) -> list[Ticket]: ...
    def due_for_sla(self, now: datetime, horizon: datetime) -> list[Ticket]:
        """Open tickets that may need an alert: no "near" alert yet and due by `horizon`,
        or no "overdue" alert yet and due by `now` (the SLA policy decides exactly)."""
        ...

    def add_followup(self, followup: FollowUp) -> bool:
        """Store the rating; False when this resolution round was already rated."""
        ...

    def stats(
        self,
        by: str,
        dealers: Sequence[DealerCode] | None,
        start: datetime,
        end: datetime,
    ) -> list[TicketStats]:
        """Grouped by "dealer" or "region", over tickets of `dealers` (None: all) created
        in [start, end)."""
        ...

    def for_export(
        self, dealers: Sequence[DealerCode] | None, start: datetime, end: datetime
    ) -> list[Ticket]: ...
    def staff_for_region(self, region: RegionCode | None) -> list[Actor]:
        """Linked managers whose regions cover `region` (all regions for admins)."""
        ...

    def staff_for_dealer(self, dealer: DealerCode) -> list[Actor]:
        """Linked managers whose regions cover one of the dealer's (admins too)."""
        ...

    def manager_contacts(self, code: ManagerCode) -> list[Actor]: ...
