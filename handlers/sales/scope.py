"""Sales a chat user may see, for exports and summaries (`export sales` builds on this)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.catalog.model import ProductLine
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from domain.sales.model import Sale, SaleStatus
from handlers.core.context import Ctx
from handlers.core.registry import SALES_STAFF


def follows_sales(manager: Actor, line: ProductLine | None) -> bool:
    """Whether a manager hears of their dealers' sales and violations of `line`: the roles
    that follow sales, a product-line manager only on their lines."""
    return manager.seat in SALES_STAFF and Scope.of(manager).covers_line(line)


def sales_in_scope(
    ctx: Ctx,
    start: date | None = None,
    end: date | None = None,
    statuses: Sequence[SaleStatus] = (SaleStatus.CONFIRMED,),
) -> list[Sale]:
    """Sales sold on days `start`..`end` (inclusive) by the dealers this actor may see:
    a dealer its own, a manager those of their regions, an admin all; oldest first."""
    return ctx.uow.sales.list(ctx.scoped_dealers(), start, end, statuses, lines=ctx.scope.lines)
