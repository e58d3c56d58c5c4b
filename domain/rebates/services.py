"""Rebate use cases over the port: accrue a program for many dealers in one pass, draft
the period-end settlements once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.rebates.model import Program, RebateRepository, Settlement, Sold
from domain.rebates.rules import ZERO, Accrual, accrue, settle

NOTHING = Sold(ZERO, 0)
# Up to this many dealers are named in the sales query; more read every dealer's sums
# (one pass over the month sums beats a list of thousands of codes).
NAMED_DEALERS = 500


def in_scope(repo: RebateRepository, program: Program) -> list[DealerCode]:
    return [d for d, tier, regions in repo.eligible(program) if program.scope.covers(tier, regions)]


def accruals(
    repo: RebateRepository,
    program: Program,
    dealers: Sequence[DealerCode],
    targets: Mapping[DealerCode, Decimal | None],
    tz: tzinfo,
) -> dict[DealerCode, Accrual]:
    """Each dealer's accrual: one aggregate of sales and one of severe violations."""
    sold = repo.sold(program, dealers if len(dealers) <= NAMED_DEALERS else None)
    severe = repo.severe_violations(program, tz) if program.withhold_on_severe else {}
    return {
        d: accrue(program, sold.get(d, NOTHING), targets.get(d), severe.get(d, 0) > 0)
        for d in dealers
    }


def draft_settlements(
    repo: RebateRepository,
    program: Program,
    found: Mapping[DealerCode, Accrual],
    now: datetime,
    withheld_reason: str,
    on_new: Callable[[Settlement], None],
) -> int:
    """One settlement per dealer with a rebate; `on_new` for each drafted now (a dealer's
    settlement already drafted, by this run or another scheduler's, is left alone)."""
    drafted = 0
    for dealer, accrual in sorted(found.items()):
        if accrual.rebate <= 0:
            continue
        added = repo.add_settlement(settle(program.id, dealer, accrual, withheld_reason), now)
        if added is not None:
            drafted += 1
            on_new(added)
    return drafted
