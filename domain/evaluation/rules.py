"""The `[evaluation]` settings as one value: weights, formula constants, bands, consequences.

Defaults follow the policy: sales performance weighs most, then service and compliance;
grades A >= 85, B >= 70, C >= 60, D below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.evaluation.model import Criterion


class Consequence(StrEnum):
    RAISE_TIER = "raise_tier"  # proposal: one tier up, in effect on approval
    LOWER_TIER = "lower_tier"
    WARNING = "warning"
    REBID_NEW_PART = "rebid_new_part"  # 新增部分重新招标 on next year's target
    RENEWAL_REVIEW = "renewal_review"  # the renewal is reviewed, not rolled over


DEFAULT_WEIGHTS: tuple[tuple[str, int], ...] = (
    (Criterion.SALES.value, 30),
    (Criterion.MARKET_SHARE.value, 10),
    (Criterion.SATISFACTION.value, 15),
    (Criterion.SERVICE.value, 15),
    (Criterion.COMPLIANCE.value, 15),
    (Criterion.REPORTING.value, 10),
    (Criterion.TRAINING.value, 5),
)
DEFAULT_BANDS: tuple[tuple[str, int], ...] = (("A", 85), ("B", 70), ("C", 60))
LOWEST_GRADE = "D"
DEFAULT_CONSEQUENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("A", (Consequence.RAISE_TIER.value,)),
    ("B", ()),
    ("C", (Consequence.WARNING.value,)),
    (
        "D",
        (
            Consequence.LOWER_TIER.value,
            Consequence.REBID_NEW_PART.value,
            Consequence.RENEWAL_REVIEW.value,
        ),
    ),
)
DEFAULT_SEVERITY_WEIGHTS: tuple[tuple[str, int], ...] = (("minor", 1), ("major", 3), ("severe", 10))


@dataclass(frozen=True, slots=True)
class EvaluationRules:
    weights: tuple[tuple[str, int], ...] = DEFAULT_WEIGHTS
    bands: tuple[tuple[str, int], ...] = DEFAULT_BANDS  # best first, lowest score of each
    consequences: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_CONSEQUENCES
    tiers: tuple[str, ...] = ("A", "B", "C")  # best first
    appeal_days: int = 14
    # A share of the market at or above this (percent) earns full points.
    full_market_share: Decimal = Decimal("20")
    # Points taken off compliance per weighted violation per 100 sales.
    compliance_step: Decimal = Decimal("10")
    severity_weights: tuple[tuple[str, int], ...] = DEFAULT_SEVERITY_WEIGHTS

    def weight(self, criterion: Criterion) -> int:
        return dict(self.weights).get(criterion.value, 0)

    def consequences_of(self, grade: str | None) -> tuple[str, ...]:
        return dict(self.consequences).get(grade or "", ())

    def check(self) -> None:
        """ValueError naming the first bad setting (called at start-up)."""
        known = {c.value for c in Criterion}
        for name, weight in self.weights:
            if name not in known:
                names = ", ".join(c.value for c in Criterion)
                raise ValueError(f"unknown criterion {name!r}; use one of: {names}")
            if weight < 0:
                raise ValueError(f"weight of {name} is negative")
        lows = [low for _, low in self.bands]
        if lows != sorted(lows, reverse=True) or len(set(lows)) != len(lows):
            raise ValueError("bands must go from the best grade down, each lower than the last")
        grades = {g for g, _ in self.bands} | {LOWEST_GRADE}
        allowed = {c.value for c in Consequence}
        for grade, found in self.consequences:
            if grade not in grades:
                raise ValueError(f"consequences for unknown grade {grade!r}")
            for c in found:
                if c not in allowed:
                    names = ", ".join(k.value for k in Consequence)
                    raise ValueError(f"unknown consequence {c!r}; use one of: {names}")


def rules_from(settings: Mapping) -> EvaluationRules:
    """Rules from plain mappings (the config section's values)."""
    return EvaluationRules(**settings)
