"""Who is behind pace: the lean judgement alerts make over every dealer at once, and the
candidates a pace statement hands it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from domain.catalog.model import Dealer, DealerCode
from domain.shared.periods import Period
from domain.targets.achievement import Standing
from domain.targets.model import TargetDecision, TargetSource, grow, in_first_year
from domain.targets.resolution import may_roll_up, resolve_target, sub_periods


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
        elif last_year in targets and not may_roll_up(parts, targets):
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
