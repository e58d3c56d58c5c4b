"""Sales a chat user may see, for exports and summaries (`export sales` builds on this)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.sales import Sale, SaleStatus
from handlers.context import Ctx


def sales_in_scope(
    ctx: Ctx,
    start: date | None = None,
    end: date | None = None,
    statuses: Sequence[SaleStatus] = (SaleStatus.CONFIRMED,),
) -> list[Sale]:
    """Sales sold on days `start`..`end` (inclusive) by the dealers this actor may see:
    a dealer its own, a manager those of their regions, an admin all; oldest first."""
    return ctx.uow.sales.list(ctx.scoped_dealers(), start, end, statuses)
