"""How far a dealer is along its target: achieved, the pace expected by today, what is left.

Achievement counts the amounts of confirmed sales, retail and tender alike: the policy sets
one sales task per dealer ("销售任务") and makes no exception for bids won, so a tender sale
counts in full on its sale day (so no query filters on the kind). Withdrawn reports and
reports replaced by a correction count for nothing (only the correcting sale, itself
confirmed, does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import NamedTuple, Protocol

from domain.catalog.model import Dealer, DealerCode
from domain.shared.money import CENT
from domain.shared.periods import Period, PeriodKind
from domain.targets.model import TargetDecision, TargetSource, grow, in_first_year, target_for

COUNTED_STATUS = "confirmed"
YEARS_BACK = 5  # how far a derived target looks for the last one that was set
RATIO = Decimal("0.0001")


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


def behind(
    dealers: Iterable[Dealer],
    period: Period,
    explicit: Mapping[DealerCode, Mapping[Period, Decimal]],
    achieved: Mapping[DealerCode, Mapping[Period, Decimal]],
    growth: Decimal,
    today: date,
) -> list[Standing]:
    """The standings behind pace only; the same judgement as `Standing.behind`, made lean.

    Alerts judge every dealer at once, so the common cases (a target set for the period,
    or last year's grown) cost a few dict lookups; the others resolve a target in full.
    """
    zero = Decimal("0.00")
    start, days = period.start, period.days
    elapsed = min(max((today - start).days + 1, 0), days)
    assessed_until = assessed_through(start)
    last_year = period.previous_year()
    parts = sub_periods(period)
    empty: dict[Period, Decimal] = {}
    found = []
    for dealer in dealers:
        if dealer.since is not None and dealer.since > assessed_until:
            continue  # first cooperation year: shown elsewhere, never alerted
        targets = explicit.get(dealer.code, empty)
        amount = targets.get(period)
        if amount is not None:
            decision = None
        elif last_year in targets and not _may_roll_up(parts, targets):
            decision = TargetDecision(grow(targets[last_year], growth), TargetSource.GROWTH, True)
            amount = decision.amount
        else:
            decision = resolve_target(period, targets, growth, dealer.since)
            amount = decision.amount
            if amount is None:
                continue
        got = achieved.get(dealer.code, empty).get(period, zero)
        if got * days < amount * elapsed:
            decision = decision or TargetDecision(amount, TargetSource.SET, True)
            found.append(Standing(dealer.code, dealer.name, period, decision, got, today))
    return found


def _may_roll_up(parts: tuple[Period, ...], targets: Mapping[Period, Decimal]) -> bool:
    """Whether every part is set or has parts of its own (a necessary condition)."""
    return bool(parts) and all(p in targets or sub_periods(p) for p in parts)


def assessed_through(on: date) -> date:
    """The latest first-cooperation date (`since`) of a dealer assessed on `on`."""
    try:
        day = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        day = date(on.year - 1, 2, 28)
    while not in_first_year(day + timedelta(days=1), on):
        day += timedelta(days=1)
    while in_first_year(day, on):
        day -= timedelta(days=1)
    return day


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


PACE_NO, PACE_MAYBE, PACE_RESOLVE = 0, 1, 2


class PaceCandidate(NamedTuple):
    """One dealer and one period a pace statement could not rule out.

    Best given period by period: `judge_pace` works out a period's days when it changes.
    `flag` is PACE_MAYBE when the dealer is assessed and its target is `set` (the one set
    for the period) or else `last_year` grown; PACE_RESOLVE when the target may derive from
    other periods, to be resolved in full.
    """

    code: DealerCode
    name: str
    since: date | None
    period: Period
    flag: int
    achieved: Decimal
    set: Decimal | None
    last_year: Decimal | None


def judge_pace(
    candidates: Iterable[PaceCandidate],
    explicit: Mapping[DealerCode, Mapping[Period, Decimal]],
    growth: Decimal,
    today: date,
) -> dict[DealerCode, list[Standing]]:
    """The standings behind pace among the candidates, per dealer: `Standing.behind` exactly.

    PACE_MAYBE costs a multiplication and a comparison; PACE_RESOLVE goes through `behind`
    with `explicit` (every target of that dealer `resolve_target` may read).
    """
    current = None
    found: dict[DealerCode, list[Standing]] = {}
    for code, name, since, period, flag, got, amount, last_year in candidates:
        if period is not current:  # candidates come period by period: a new one now and then
            current, days = period, period.days
            elapsed = min(max((today - period.start).days + 1, 0), days)
        if flag == PACE_RESOLVE:
            dealer = Dealer(code=code, name=name, since=since)
            late = behind([dealer], period, explicit, {code: {period: got}}, growth, today)
            if late:
                found.setdefault(code, []).extend(late)
            continue
        if amount is not None:
            source = TargetSource.SET
        else:
            amount, source = grow(last_year, growth), TargetSource.GROWTH
        if got * days < amount * elapsed:
            decision = TargetDecision(amount, source, True)
            standing = Standing(code, name, period, decision, got, today)
            if code in found:
                found[code].append(standing)
            else:
                found[code] = [standing]
    return found


def ranked(items: Iterable[Standing]) -> list[Standing]:
    """Best pace first; dealers without a target or not assessed last, by code."""

    def key(s: Standing) -> tuple[int, Decimal, str]:
        if not s.assessed or s.pace is None:
            return (1, Decimal(0), s.dealer)
        return (0, -s.pace, s.dealer)

    return sorted(items, key=key)


class TargetRepository(Protocol):
    """Targets as set, and confirmed sales summed per dealer, each in one query."""

    def explicit(
        self, years: Sequence[int], dealers: Sequence[DealerCode] | None = None
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        """Targets imported or set by a manager for periods in `years` (None: every dealer)."""
        ...

    def set(self, dealer: DealerCode, period: Period, amount: Decimal) -> None: ...

    def achieved(
        self,
        periods: Sequence[Period],
        through: date,
        dealers: Sequence[DealerCode] | None = None,
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        """Counted sales of each period from its start through `through`, per dealer.

        One aggregate over the rows of the longest period, GROUP BY dealer.
        """
        ...

    def pace_candidates(
        self, periods: Sequence[Period], today: date, growth: Decimal
    ) -> list[PaceCandidate]:
        """The active dealers possibly behind pace on each of `periods` as of `today` (one
        statement); `judge_pace` tells exactly. Never leaves out a dealer that is behind."""
        ...

    def reported_since(self, since: datetime) -> set[DealerCode]:
        """Dealers with any sales report (whatever became of it) created since `since`."""
        ...

    def daily(
        self, dealer: DealerCode, period: Period, through: date
    ) -> list[tuple[date, Decimal]]:
        """Counted sales of one dealer per day of `period` up to `through`, oldest first."""
        ...
