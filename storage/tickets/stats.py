"""Ticket figures per dealer or region: opened, resolved, on time, ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.tickets.model import TicketStats
from storage.models import DealerRow, RegionRow
from storage.tickets.models import TicketFollowUpRow, TicketRow


def ticket_stats(
    session: Session,
    by: str,
    dealers: Sequence[DealerCode] | None,
    start: datetime,
    end: datetime,
) -> list[TicketStats]:
    key = DealerRow.code if by == "dealer" else RegionRow.code
    ratings = (
        select(
            TicketFollowUpRow.ticket_id.label("ticket_id"),
            func.count().label("n"),
            func.sum(TicketFollowUpRow.rating).label("total"),
        )
        .group_by(TicketFollowUpRow.ticket_id)
        .subquery()
    )
    resolved = TicketRow.resolved_at.is_not(None)
    on_time = resolved & (TicketRow.resolved_at <= TicketRow.due_at)
    q = (
        select(
            key,
            func.count(TicketRow.id),
            func.count(case((resolved, 1))),
            func.count(case((on_time, 1))),
            func.coalesce(func.sum(ratings.c.n), 0),
            func.sum(ratings.c.total),
        )
        .select_from(TicketRow)
        .join(DealerRow, TicketRow.dealer_id == DealerRow.id)
        .outerjoin(RegionRow, TicketRow.region_id == RegionRow.id)
        .outerjoin(ratings, ratings.c.ticket_id == TicketRow.id)
        .where(TicketRow.created_at >= start, TicketRow.created_at < end)
        .group_by(key)
        .order_by(key)
    )
    if dealers is not None:
        q = q.where(DealerRow.code.in_(dealers))
    out = []
    for k, n, res, ok, rated, total in session.execute(q):
        avg = float(total) / float(rated) if rated else None
        out.append(TicketStats(k or "", n, res, ok, int(rated), avg))
    return out
