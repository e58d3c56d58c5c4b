"""Load standings of many dealers at once: targets in one query, sales in one aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.catalog.model import Dealer
from domain.shared.periods import Period
from domain.shared.ports import UnitOfWork
from domain.targets.achievement import Standing, standings
from domain.targets.resolution import target_years


def load_standings(
    uow: UnitOfWork,
    periods: Sequence[Period],
    today: date,
    growth: Decimal,
    dealers: Sequence[Dealer] | None = None,
    *,
    whole_catalog: bool = False,
) -> dict[Period, list[Standing]]:
    """Standings of `dealers` (None: every active dealer) for each period, as of `today`.
    `whole_catalog`: `dealers` is every dealer, so the queries need no list of their codes."""
    if dealers is None:
        dealers = uow.targets.active_dealers()
        codes = None
    else:
        codes = None if whole_catalog else [d.code for d in dealers]
    years = sorted({y for p in periods for y in target_years(p)})
    explicit = uow.targets.explicit(years, codes)
    achieved = uow.targets.achieved(periods, today, codes)
    return {p: standings(dealers, p, explicit, achieved, growth, today) for p in periods}
