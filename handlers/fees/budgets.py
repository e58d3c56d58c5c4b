"""Which budget a request draws on, and how much it has left (always summed, never stored)."""

from __future__ import annotations

from datetime import date

from domain.catalog.model import DealerCode, RegionCode
from domain.fees.model import BudgetStatus
from domain.fees.rules import matching_budget
from domain.shared.ports import UnitOfWork


def home_region(uow: UnitOfWork, dealer: DealerCode) -> RegionCode | None:
    regions = uow.catalog.dealer_regions(dealer)
    return regions[0] if regions else None


def promotion_line(uow: UnitOfWork, promotion_id: int | None) -> str | None:
    """A promotion for one product line draws on that line's budget."""
    promo = uow.promotions.get(promotion_id) if promotion_id else None
    lines = promo.audience.lines if promo else ()
    return lines[0] if len(lines) == 1 else None


def budget_for(
    uow: UnitOfWork, region: RegionCode, day: date, promotion_id: int | None = None
) -> BudgetStatus | None:
    chain = uow.catalog.region_tree().ancestors_and_self(region)
    budget = matching_budget(
        uow.fees.budgets(),
        day,
        chain,
        line=promotion_line(uow, promotion_id),
        promotion_id=promotion_id,
    )
    return uow.fees.statuses([budget])[0] if budget else None
