"""From scores to a card: the weighted total over applicable criteria, the grade, what the
grade sets in motion, and what to improve first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from domain.evaluation.model import Criterion, Score
from domain.evaluation.rules import LOWEST_GRADE, Consequence, EvaluationRules

POINT = Decimal("0.01")


def weighted_total(scores: Sequence[Score], rules: EvaluationRules) -> Decimal | None:
    """Sum of weight x points over the applicable criteria, divided by their weights only:
    an N/A criterion neither helps nor hurts. None when no weighted criterion applies."""
    counted = [(rules.weight(s.criterion), s.points) for s in scores if s.points is not None]
    weights = sum(w for w, _ in counted)
    if not weights:
        return None
    total = sum((w * p for w, p in counted), Decimal(0)) / weights
    return total.quantize(POINT, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal | None, rules: EvaluationRules) -> str | None:
    """The first band whose lowest score `total` reaches (A >= 85: 85.00 is an A)."""
    if total is None:
        return None
    for grade, low in rules.bands:
        if total >= low:
            return grade
    return LOWEST_GRADE


def proposed_tier(tier: str, consequences: Sequence[str], rules: EvaluationRules) -> str | None:
    """One step up or down the tier ladder (best first); None when nothing changes."""
    if tier not in rules.tiers:
        return None
    at = rules.tiers.index(tier)
    if Consequence.RAISE_TIER.value in consequences and at > 0:
        return rules.tiers[at - 1]
    if Consequence.LOWER_TIER.value in consequences and at < len(rules.tiers) - 1:
        return rules.tiers[at + 1]
    return None


def graded(
    scores: Sequence[Score], tier: str, rules: EvaluationRules
) -> tuple[Decimal | None, str | None, tuple[str, ...], str | None]:
    """(total, grade, consequences, proposed tier) of `scores`."""
    total = weighted_total(scores, rules)
    grade = grade_for(total, rules)
    consequences = rules.consequences_of(grade)
    return total, grade, consequences, proposed_tier(tier, consequences, rules)


def adjusted(scores: Sequence[Score], criterion: Criterion, points: Decimal, reason: str):
    """`scores` with one criterion's points set by a manager (the computed ones kept)."""
    if not Decimal(0) <= points <= Decimal(100):
        raise ValueError("points outside 0-100")
    out = []
    for s in scores:
        if s.criterion is criterion:
            first = s.adjusted_from if s.adjusted_from is not None else s.points
            s = replace(s, points=points.quantize(POINT), adjusted_from=first, reason=reason)
            if s.adjusted_from is None:  # an N/A criterion given points: it now counts
                s = replace(s, missing=None)
        out.append(s)
    return tuple(out)


def improve_first(scores: Sequence[Score], rules: EvaluationRules) -> Criterion | None:
    """The applicable criterion whose shortfall costs the most weighted points."""
    gaps = [
        (rules.weight(s.criterion) * (100 - s.points), s.criterion)
        for s in scores
        if s.points is not None and s.points < 100 and rules.weight(s.criterion)
    ]
    if not gaps:
        return None
    return max(gaps, key=lambda g: (g[0], -list(Criterion).index(g[1])))[1]
