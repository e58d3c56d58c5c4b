"""What a scorecard is computed from: the evaluation facts, with each dealer's target for
the period as the targets context resolves it (set, rolled up, or last year's grown)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta

from domain.catalog.model import DealerCode
from domain.evaluation.model import Facts
from domain.notices.services import training_records
from domain.shared.periods import Period
from domain.shared.ports import UnitOfWork
from domain.targets.resolution import YEARS_BACK, resolve_target
from handlers.core.options import CoreOptions

NAMED_DEALERS = 500  # more than this: read every dealer's rows rather than a list of codes
GRACE_DAYS = 5  # a month's sales are reported on time up to the 5th of the next month


def period_facts(
    uow: UnitOfWork,
    period: Period,
    options: CoreOptions,
    dealers: Sequence[DealerCode] | None = None,
) -> dict[DealerCode, Facts]:
    named = list(dealers) if dealers is not None and len(dealers) <= NAMED_DEALERS else None
    found = uow.evaluation.facts(period, options.tz, named, GRACE_DAYS)
    if dealers is not None:
        wanted = set(dealers)
        found = {d: f for d, f in found.items() if d in wanted}
    years = range(period.year - YEARS_BACK, period.year + 1)
    explicit = uow.targets.explicit(years, named)
    start = datetime.combine(period.start, time(0), options.tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), options.tz)
    training = training_records(uow, start, end)
    return {
        d: replace(
            f,
            target=resolve_target(
                period, explicit.get(d, {}), options.target_growth, f.since
            ).amount,
            acknowledged=(t.acknowledged, t.required) if (t := training.get(d)) else None,
        )
        for d, f in found.items()
    }
