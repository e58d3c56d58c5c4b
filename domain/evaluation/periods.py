"""The period before a period (last quarter, last year), for a card's change since then."""

from __future__ import annotations

from domain.shared.periods import Period, PeriodKind


def previous(period: Period) -> Period:
    if period.kind is PeriodKind.YEAR:
        return Period(PeriodKind.YEAR, period.year - 1)
    count = 4 if period.kind is PeriodKind.QUARTER else 12
    if period.index > 1:
        return Period(period.kind, period.year, period.index - 1)
    return Period(period.kind, period.year - 1, count)
