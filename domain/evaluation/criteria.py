"""Each criterion's points from a dealer's facts: pure, exact (Decimal, half-up to 0.01).

| criterion | value | points (0-100) | N/A when |
|---|---|---|---|
| sales | achieved / target, % | min(value, 100) | first year; no target |
| market_share | sales / market size, % | min(100, value / full share x 100) | no market size |
| satisfaction | mean follow-up rating (1-5) | value / 5 x 100 | no rating |
| service | % resolved in SLA, % reopened | (on time + 100 - reopened) / 2 | nothing resolved |
| compliance | severity-weighted violations per 100 sales | max(0, 100 - value x step) | no sales |
| reporting | % of months with a sales / a stock report | mean of the two | - |
| training | % of notices acknowledged by their date | value | no notice asked for it |
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.evaluation.model import Criterion, Facts, NotApplicable, Score
from domain.evaluation.rules import EvaluationRules
from domain.targets.model import in_first_year

HUNDRED = Decimal(100)
POINT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal) -> Decimal:
    return _q(min(max(value, Decimal(0)), HUNDRED))


def _na(criterion: Criterion, why: NotApplicable) -> Score:
    return Score(criterion, None, None, why)


def sales(f: Facts, rules: EvaluationRules, start: date) -> Score:
    if in_first_year(f.since, start):
        return _na(Criterion.SALES, NotApplicable.FIRST_YEAR)
    if not f.target:
        return _na(Criterion.SALES, NotApplicable.NO_TARGET)
    value = _q(f.achieved / f.target * HUNDRED)
    return Score(Criterion.SALES, value, _clamp(value))


def market_share(f: Facts, rules: EvaluationRules, start: date) -> Score:
    if not f.market_size:
        return _na(Criterion.MARKET_SHARE, NotApplicable.NO_MARKET_SIZE)
    share = f.market_sales / f.market_size * HUNDRED
    return Score(
        Criterion.MARKET_SHARE, _q(share), _clamp(share / rules.full_market_share * HUNDRED)
    )


def satisfaction(f: Facts, rules: EvaluationRules, start: date) -> Score:
    if not f.ratings:
        return _na(Criterion.SATISFACTION, NotApplicable.NO_RATINGS)
    mean = Decimal(f.rating_sum) / f.ratings
    return Score(Criterion.SATISFACTION, _q(mean), _clamp(mean / 5 * HUNDRED))


def service(f: Facts, rules: EvaluationRules, start: date) -> Score:
    if not f.tickets_resolved:
        return _na(Criterion.SERVICE, NotApplicable.NO_TICKETS)
    on_time = Decimal(f.resolved_on_time) / f.tickets_resolved * HUNDRED
    reopened = Decimal(f.tickets_reopened) / f.tickets_resolved * HUNDRED
    return Score(Criterion.SERVICE, _q(on_time), _clamp((on_time + HUNDRED - reopened) / 2))


def compliance(f: Facts, rules: EvaluationRules, start: date) -> Score:
    if not f.sales_count:
        return _na(Criterion.COMPLIANCE, NotApplicable.NO_SALES)
    weights = dict(rules.severity_weights)
    weighted = sum(weights.get(severity, 1) * n for severity, n in f.violations)
    index = Decimal(weighted) / f.sales_count * HUNDRED
    return Score(Criterion.COMPLIANCE, _q(index), _clamp(HUNDRED - index * rules.compliance_step))


def reporting(f: Facts, rules: EvaluationRules, start: date) -> Score:
    months = max(f.months, 1)
    value = Decimal(f.sales_months + f.stock_months) / (2 * months) * HUNDRED
    return Score(Criterion.REPORTING, _q(value), _clamp(value))


def training(f: Facts, rules: EvaluationRules, start: date) -> Score:
    # Notices of the period that asked for an acknowledgement by a date (W2 10), and those
    # one of the dealer's contacts acknowledged in time; none asked: N/A.
    if f.acknowledged is None or not f.acknowledged[1]:
        return _na(Criterion.TRAINING, NotApplicable.NO_NOTICES)
    value = Decimal(f.acknowledged[0]) / f.acknowledged[1] * HUNDRED
    return Score(Criterion.TRAINING, _q(value), _clamp(value))


FORMULAS: dict[Criterion, Callable[[Facts, EvaluationRules, date], Score]] = {
    Criterion.SALES: sales,
    Criterion.MARKET_SHARE: market_share,
    Criterion.SATISFACTION: satisfaction,
    Criterion.SERVICE: service,
    Criterion.COMPLIANCE: compliance,
    Criterion.REPORTING: reporting,
    Criterion.TRAINING: training,
}


def score_all(f: Facts, rules: EvaluationRules, start: date) -> tuple[Score, ...]:
    """Every criterion, in the order of `Criterion`."""
    return tuple(FORMULAS[c](f, rules, start) for c in Criterion)
