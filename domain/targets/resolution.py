"""Which target a dealer has for a period: the one set, its parts summed, or last year's grown."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache

from domain.shared.periods import Period, PeriodKind
from domain.targets.model import TargetDecision, TargetSource, target_for

YEARS_BACK = 5  # how far a derived target looks for the last one that was set


@cache
def sub_periods(period: Period) -> tuple[Period, ...]:
    """The quarters of a year or the months of a quarter; nothing below a month."""
    if period.kind is PeriodKind.YEAR:
        return tuple(Period(PeriodKind.QUARTER, period.year, q) for q in range(1, 5))
    if period.kind is PeriodKind.QUARTER:
        first = 3 * (period.index - 1) + 1
        return tuple(Period(PeriodKind.MONTH, period.year, m) for m in range(first, first + 3))
    return ()


def periods_containing(day: date) -> list[Period]:
    """The year, quarter and month of a day, longest first."""
    return [Period.containing(day, kind) for kind in PeriodKind]


def _set_or_rolled_up(period: Period, explicit: Mapping[Period, Decimal]) -> Decimal | None:
    if period in explicit:
        return explicit[period]
    parts = sub_periods(period)
    if not parts or len(explicit) < len(parts):  # too few targets set to cover every part
        return None
    total = Decimal(0)
    for part in parts:
        amount = _set_or_rolled_up(part, explicit)
        if amount is None:
            return None
        total += amount
    return total


def resolve_target(
    period: Period,
    explicit: Mapping[Period, Decimal],
    growth: Decimal,
    since: date | None,
) -> TargetDecision:
    """A dealer's target for `period` from the targets set for it (`explicit`).

    In order: the target set for the period; the sum of its quarters or months when every one
    of them is set; last year's target of the same period plus `growth` (looking back up to
    YEARS_BACK years, each year growing again); else none.
    """
    if period in explicit:  # the common case, kept cheap: alerts resolve every dealer
        return target_for(period, explicit[period], None, growth, since)
    amount = _set_or_rolled_up(period, explicit)
    if amount is not None:
        decision = target_for(period, amount, None, growth, since)
        if period not in explicit:
            return TargetDecision(amount, TargetSource.ROLLUP, decision.assessed)
        return decision
    last_year = None
    back = period
    chain = 0
    for _ in range(YEARS_BACK):
        back = back.previous_year()
        chain += 1
        last_year = explicit[back] if back in explicit else _set_or_rolled_up(back, explicit)
        if last_year is not None:
            break
    if last_year is not None:
        for _ in range(chain - 1):
            last_year = target_for(period, None, last_year, growth, None).amount
    return target_for(period, None, last_year, growth, since)


def target_years(period: Period) -> list[int]:
    """The years whose targets `resolve_target` may read for `period`."""
    return list(range(period.year - YEARS_BACK, period.year + 1))


def may_roll_up(parts: tuple[Period, ...], targets: Mapping[Period, Decimal]) -> bool:
    """Whether every part is set or has parts of its own (a necessary condition)."""
    return bool(parts) and all(p in targets or sub_periods(p) for p in parts)


def descendants(period: Period) -> list[Period]:
    """Quarters and months of a year, months of a quarter."""
    found = []
    for part in sub_periods(period):
        found.append(part)
        found.extend(descendants(part))
    return found


def fallback_periods(period: Period) -> list[Period]:
    """Periods other than `period` and last year's, whose targets may still decide it.

    `resolve_target` reads them only when neither of those two is set (or, for the parts of
    `period`, when its own is not); a query that pre-selects dealers uses this list to know
    when it must hand a dealer to `resolve_target` whole.
    """
    older = list(descendants(period.previous_year()))
    back = period.previous_year()
    for _ in range(YEARS_BACK - 1):
        back = back.previous_year()
        older.append(back)
        older.extend(descendants(back))
    return older
