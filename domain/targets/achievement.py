"""How far a dealer is along its target: achieved, the pace expected by today, what is left.

Achievement counts the amounts of confirmed sales, retail and tender alike: the policy sets
one sales task per dealer ("销售任务") and makes no exception for bids won, so a tender sale
counts in full on its sale day (so no query filters on the kind). Withdrawn reports and
reports replaced by a correction count for nothing (only the correcting sale, itself
confirmed, does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.catalog.model import Dealer, DealerCode
from domain.shared.money import CENT
from domain.shared.periods import Period
from domain.targets.model import TargetDecision
from domain.targets.resolution import resolve_target

COUNTED_STATUS = "confirmed"
RATIO = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Standing:
    """One dealer against one period's target, as of `today` (the business day)."""

    dealer: DealerCode
    name: str
    period: Period
    target: TargetDecision
    achieved: Decimal
    today: date

    @property
    def elapsed_days(self) -> int:
        """Days of the period up to and including today."""
        return min(max((self.today - self.period.start).days + 1, 0), self.period.days)

    @property
    def days_left(self) -> int:
        """Days of the period still to come, today included."""
        return min(max((self.period.end - self.today).days + 1, 0), self.period.days)

    @property
    def expected(self) -> Decimal | None:
        """Where a dealer selling evenly through the period would be by the end of today."""
        if self.target.amount is None:
            return None
        share = self.target.amount * self.elapsed_days / self.period.days
        return share.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        """Achieved as a share of the target (0.5 = half)."""
        if not self.target.amount:
            return None
        return (self.achieved / self.target.amount).quantize(RATIO, rounding=ROUND_HALF_UP)

    @property
    def pace(self) -> Decimal | None:
        """Achieved as a share of what was expected by today (1 = exactly on pace)."""
        expected = self.expected
        if not expected:
            return None
        return (self.achieved / expected).quantize(RATIO, rounding=ROUND_HALF_UP)

    @property
    def remaining(self) -> Decimal:
        if self.target.amount is None:
            return Decimal("0.00")
        return max(self.target.amount - self.achieved, Decimal("0.00"))

    @property
    def weekly_needed(self) -> Decimal:
        """Sales per week still needed to reach the target; all of it when under a week is left."""
        if not self.remaining or not self.days_left:
            return Decimal("0.00") if not self.remaining else self.remaining
        per_week = self.remaining * 7 / max(self.days_left, 7)
        return per_week.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def assessed(self) -> bool:
        return self.target.assessed and self.target.amount is not None

    @property
    def behind(self) -> bool:
        """Assessed and short of the pace expected by today."""
        if not self.target.assessed or self.target.amount is None:
            return False
        # achieved < amount * elapsed / days, without rounding on the way
        return self.achieved * self.period.days < self.target.amount * self.elapsed_days


def standings(
    dealers: Iterable[Dealer],
    period: Period,
    explicit: Mapping[DealerCode, Mapping[Period, Decimal]],
    achieved: Mapping[DealerCode, Mapping[Period, Decimal]],
    growth: Decimal,
    today: date,
) -> list[Standing]:
    """Every dealer's standing for `period`, from targets and sums already fetched in bulk."""
    zero = Decimal("0.00")
    result = []
    for dealer in dealers:
        decision = resolve_target(period, explicit.get(dealer.code, {}), growth, dealer.since)
        amount = achieved.get(dealer.code, {}).get(period, zero)
        result.append(Standing(dealer.code, dealer.name, period, decision, amount, today))
    return result


def ranked(items: Iterable[Standing]) -> list[Standing]:
    """Best pace first; dealers without a target or not assessed last, by code."""

    def key(s: Standing) -> tuple[int, Decimal, str]:
        if not s.assessed or s.pace is None:
            return (1, Decimal(0), s.dealer)
        return (0, -s.pace, s.dealer)

    return sorted(items, key=key)
