"""Days of cover: how long a dealer's latest stock of a product lasts at its recent sales pace."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from domain.catalog.model import DealerCode, Sku
from domain.sales.model import StockLevel

# The pace is the units sold over the last 90 days: one slow or busy week moves it little.
PACE_DAYS = 90


@dataclass(frozen=True, slots=True)
class Cover:
    level: StockLevel
    sold: int  # units sold in the pace window
    days: int | None  # None: nothing sold in the window, so no pace to divide by


@dataclass(frozen=True, slots=True)
class PaceWindow:
    start: date
    end: date  # inclusive
    days: int


def pace_window(on: date, days: int = PACE_DAYS) -> PaceWindow:
    """The `days` days ending on `on` (inclusive)."""
    return PaceWindow(on - timedelta(days=days - 1), on, days)


def days_of_cover(qty: int, sold: int, days: int = PACE_DAYS) -> int | None:
    """Whole days `qty` units last when `sold` units went in `days` days (rounded down)."""
    if sold <= 0:
        return None
    return qty * days // sold


def covers(
    levels: Iterable[StockLevel],
    sold: Mapping[tuple[DealerCode, Sku], int],
    window: PaceWindow,
) -> list[Cover]:
    """Each level with its dealer's sales of that product in `window` and its days of cover."""
    found = []
    for level in levels:
        units = sold.get((level.dealer, level.sku), 0)
        found.append(Cover(level, units, days_of_cover(level.qty, units, window.days)))
    return found
