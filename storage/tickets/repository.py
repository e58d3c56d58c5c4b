from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from domain.catalog.model import DealerCode, ManagerCode, RegionCode, Sku, TerminalCode
from domain.identity.actors import Actor
from domain.tickets.model import (
    ACTIVE,
    FollowUp,
    NewTicket,
    Photo,
    Ticket,
    TicketAction,
    TicketCategory,
    TicketEvent,
    TicketId,
    TicketStats,
    TicketStatus,
    Urgency,
)
from storage.catalog.repository import SqlCatalogRepository
from storage.identity.repository import SqlIdentityRepository
from storage.models import (
    DealerRow,
    ManagerRow,
    ProductRow,
    RegionRow,
    TerminalRow,
)
from storage.tickets.models import TicketEventRow, TicketFollowUpRow, TicketPhotoRow, TicketRow
from storage.tickets.staff import LinkedStaff
from storage.tickets.stats import ticket_stats

_ACTIVE = [s.value for s in ACTIVE]


def _code(session: Session, model, column, value) -> int | None:
    if value is None:
        return None
    return session.scalar(select(model.id).where(column == value))


class SqlTicketRepository:
    def __init__(
        self,
        session: Session,
        catalog: SqlCatalogRepository,
        identities: SqlIdentityRepository,
    ) -> None:
        self.s = session
        self.catalog = catalog
        self.identities = identities
        self.staff = LinkedStaff(session, catalog, identities)

    # -- tickets ---------------------------------------------------------------------

    def _select(self) -> Select:
        region, assignee = aliased(RegionRow), aliased(ManagerRow)
        photos = (
            select(func.count(TicketPhotoRow.id))
            .where(TicketPhotoRow.ticket_id == TicketRow.id)
            .scalar_subquery()
        )
        rating = (
            select(TicketFollowUpRow.rating)
            .where(TicketFollowUpRow.ticket_id == TicketRow.id)
            .order_by(TicketFollowUpRow.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        return (
            select(
                TicketRow,
                DealerRow.code,
                region.code,
                TerminalRow.code,
                ProductRow.sku,
                assignee.code,
                photos,
                rating,
            )
            .join(DealerRow, TicketRow.dealer_id == DealerRow.id)
            .outerjoin(region, TicketRow.region_id == region.id)
            .outerjoin(TerminalRow, TicketRow.terminal_id == TerminalRow.id)
            .outerjoin(ProductRow, TicketRow.product_id == ProductRow.id)
            .outerjoin(assignee, TicketRow.assignee_id == assignee.id)
        )

    @staticmethod
    def _ticket(row) -> Ticket:
        r, dealer, region, terminal, sku, assignee, photos, rating = row
        return Ticket(
            id=TicketId(r.id),
            dealer_code=DealerCode(dealer),
            category=TicketCategory(r.category),
            urgency=Urgency(r.urgency),
            status=TicketStatus(r.status),
            description=r.description,
            created_at=r.created_at,
            sla_started_at=r.sla_started_at,
            due_at=r.due_at,
            region_code=RegionCode(region) if region else None,
            terminal_code=TerminalCode(terminal) if terminal else None,
            customer=r.customer,
            sku=Sku(sku) if sku else None,
            assignee=ManagerCode(assignee) if assignee else None,
            resolution=r.resolution,
            resolved_at=r.resolved_at,
            closed_at=r.closed_at,
            reopen_count=r.reopen_count,
            near_alerted_at=r.near_alerted_at,
            overdue_alerted_at=r.overdue_alerted_at,
            photo_count=photos or 0,
            rating=rating,
        )

    def add(self, new: NewTicket, now: datetime, due_at: datetime) -> Ticket:
        row = TicketRow(
            dealer_id=_code(self.s, DealerRow, DealerRow.code, new.dealer_code),
            category=new.category.value,
            urgency=new.urgency.value,
            status=TicketStatus.OPEN.value,
            description=new.description,
            region_id=_code(self.s, RegionRow, RegionRow.code, new.region_code),
            terminal_id=_code(self.s, TerminalRow, TerminalRow.code, new.terminal_code),
            customer=new.customer,
            product_id=_code(self.s, ProductRow, ProductRow.sku, new.sku),
            created_by=new.created_by,
            created_at=now,
            sla_started_at=now,
            due_at=due_at,
            resolution="",
            reopen_count=0,
        )
        self.s.add(row)
        self.s.flush()
        for p in new.photos:
            self.s.add(
                TicketPhotoRow(
                    ticket_id=row.id,
                    filename=p.filename[:200],
                    mime=p.mime[:100],
                    content=p.content,
                    added_at=now,
                )
            )
        self.s.flush()
        ticket = self.get(TicketId(row.id))
        assert ticket is not None
        return ticket

    def get(self, ticket_id: TicketId, *, for_update: bool = False) -> Ticket | None:
        q = self._select().where(TicketRow.id == ticket_id)
        if for_update:  # two managers acting at once: the second waits, then sees the change
            q = q.with_for_update(of=TicketRow)
        row = self.s.execute(q).first()
        return self._ticket(row) if row else None

    def save(self, ticket: Ticket) -> None:
        row = self.s.get(TicketRow, ticket.id)
        assert row is not None
        row.status = ticket.status.value
        row.assignee_id = _code(self.s, ManagerRow, ManagerRow.code, ticket.assignee)
        row.resolution = ticket.resolution
        row.resolved_at = ticket.resolved_at
        row.closed_at = ticket.closed_at
        row.reopen_count = ticket.reopen_count
        row.sla_started_at = ticket.sla_started_at
        row.due_at = ticket.due_at
        row.near_alerted_at = ticket.near_alerted_at
        row.overdue_alerted_at = ticket.overdue_alerted_at
        self.s.flush()

    def for_dealer(self, dealer: DealerCode, limit: int = 20) -> list[Ticket]:
        q = self._select().where(DealerRow.code == dealer).order_by(TicketRow.id.desc())
        return [self._ticket(r) for r in self.s.execute(q.limit(limit))]

    def of_dealers(
        self,
        dealers: Sequence[DealerCode] | None,
        now: datetime,
        *,
        active_only: bool = False,
        limit: int = 30,
        offset: int = 0,
    ) -> list[Ticket]:
        q = _of_dealers(self._select(), dealers, active_only)
        active = TicketRow.status.in_(_ACTIVE)
        rank = case((active & (TicketRow.due_at <= now), 0), (active, 1), else_=2)
        q = q.order_by(rank, case((active, TicketRow.due_at)), TicketRow.id.desc())
        return [self._ticket(r) for r in self.s.execute(q.offset(offset).limit(limit))]

    def count_of_dealers(
        self, dealers: Sequence[DealerCode] | None, *, active_only: bool = False
    ) -> int:
        q = select(func.count(TicketRow.id)).join(DealerRow, TicketRow.dealer_id == DealerRow.id)
        return self.s.scalar(_of_dealers(q, dealers, active_only)) or 0

    def active(self) -> list[Ticket]:
        q = self._select().where(TicketRow.status.in_(_ACTIVE)).order_by(TicketRow.due_at)
        return [self._ticket(r) for r in self.s.execute(q)]

    def due_for_sla(self, now: datetime, horizon: datetime) -> list[Ticket]:
        near = TicketRow.near_alerted_at.is_(None) & (TicketRow.due_at <= horizon)
        overdue = TicketRow.overdue_alerted_at.is_(None) & (TicketRow.due_at <= now)
        q = (
            self._select()
            .where(TicketRow.status.in_(_ACTIVE), near | overdue)
            .order_by(TicketRow.due_at)
        )
        return [self._ticket(r) for r in self.s.execute(q)]

    def for_export(
        self, dealers: Sequence[DealerCode] | None, start: datetime, end: datetime
    ) -> list[Ticket]:
        q = self._select().where(TicketRow.created_at >= start, TicketRow.created_at < end)
        if dealers is not None:
            q = q.where(DealerRow.code.in_(dealers))
        return [self._ticket(r) for r in self.s.execute(q.order_by(TicketRow.id))]

    # -- history, photos, ratings ------------------------------------------------------

    def record_event(self, event: TicketEvent) -> TicketEvent:
        row = TicketEventRow(
            ticket_id=event.ticket_id,
            at=event.at,
            actor=event.actor,
            action=event.action.value,
            from_status=event.from_status.value if event.from_status else None,
            to_status=event.to_status.value,
            note=event.note,
        )
        self.s.add(row)
        self.s.flush()
        return TicketEvent(
            event.ticket_id,
            event.at,
            event.actor,
            event.action,
            event.from_status,
            event.to_status,
            event.note,
            row.id,
        )

    def events(self, ticket_id: TicketId) -> list[TicketEvent]:
        rows = self.s.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.id)
        )
        return [
            TicketEvent(
                TicketId(r.ticket_id),
                r.at,
                r.actor,
                TicketAction(r.action),
                TicketStatus(r.from_status) if r.from_status else None,
                TicketStatus(r.to_status),
                r.note,
                r.id,
            )
            for r in rows
        ]

    def photos(self, ticket_id: TicketId) -> list[Photo]:
        rows = self.s.scalars(
            select(TicketPhotoRow)
            .where(TicketPhotoRow.ticket_id == ticket_id)
            .order_by(TicketPhotoRow.id)
        )
        return [Photo(r.filename, r.mime, r.content) for r in rows]

    def add_followup(self, followup: FollowUp) -> bool:
        try:
            with self.s.begin_nested():
                self.s.add(
                    TicketFollowUpRow(
                        ticket_id=followup.ticket_id,
                        round=followup.round,
                        rating=followup.rating,
                        actor=followup.actor,
                        at=followup.at,
                    )
                )
        except IntegrityError:
            return False
        return True

    # -- statistics --------------------------------------------------------------------

    def stats(
        self,
        by: str,
        dealers: Sequence[DealerCode] | None,
        start: datetime,
        end: datetime,
    ) -> list[TicketStats]:
        return ticket_stats(self.s, by, dealers, start, end)

    # -- who to tell (storage/tickets/staff.py) ----------------------------------------

    def staff_for_region(self, region: RegionCode | None) -> list[Actor]:
        return self.staff.staff_for_region(region)

    def staff_for_dealer(self, dealer: DealerCode) -> list[Actor]:
        return self.staff.staff_for_dealer(dealer)

    def manager_contacts(self, code: ManagerCode) -> list[Actor]:
        return self.staff.manager_contacts(code)


def _of_dealers(q: Select, dealers: Sequence[DealerCode] | None, active_only: bool) -> Select:
    if dealers is not None:
        q = q.where(DealerRow.code.in_(dealers))
    if active_only:
        q = q.where(TicketRow.status.in_(_ACTIVE))
    return q
