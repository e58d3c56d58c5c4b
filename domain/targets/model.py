"""Sales targets: explicit per period, else last year's +growth, none in the first year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.shared.money import CENT
from domain.shared.periods import Period


class TargetSource(StrEnum):
    SET = "set"  # imported or set by a manager
    ROLLUP = "rollup"  # the sum of its quarters or months, each set
    GROWTH = "growth"  # derived: last year's target plus the growth rate
    NONE = "none"


@dataclass(frozen=True, slots=True)
class TargetDecision:
    amount: Decimal | None
    source: TargetSource
    assessed: bool  # False in the dealer's first cooperation year


def in_first_year(since: date | None, on: date) -> bool:
    """A dealer is new (not assessed) until one full year after its first cooperation date."""
    if since is None:
        return False
    try:
        anniversary = since.replace(year=since.year + 1)
    except ValueError:  # 29 February
        anniversary = date(since.year + 1, 3, 1)
    return on < anniversary


def grow(amount: Decimal, growth: Decimal) -> Decimal:
    return (amount * (Decimal(1) + growth)).quantize(CENT, rounding=ROUND_HALF_UP)


def target_for(
    period: Period,
    explicit: Decimal | None,
    last_year: Decimal | None,
    growth: Decimal,
    since: date | None,
) -> TargetDecision:
    """Target of one dealer for `period`.

    `explicit` is the target set for this period; `last_year` the target of the same period a
    year earlier (explicit or itself derived). A dealer still in its first cooperation year on
    the period's first day is shown its target but not assessed.
    """
    assessed = not in_first_year(since, period.start)
    if explicit is not None:
        return TargetDecision(explicit, TargetSource.SET, assessed)
    if last_year is not None:
        return TargetDecision(grow(last_year, growth), TargetSource.GROWTH, assessed)
    return TargetDecision(None, TargetSource.NONE, assessed)
