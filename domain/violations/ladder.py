"""The penalty ladder: each rule's penalties from the first offence up, and the step a
dealer's earlier offences of the same rule point to (policy §7.2-3, §8.1).

A manager is shown the suggestion and the offences behind it; they may pick another step,
with a reason. Pure functions over violations the caller fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.sales.model import Penalty, Violation, ViolationStatus, ViolationType

# Price floors share one ladder: selling under the terminal floor and bidding under the bid
# floor are the same offence to the policy.
RULE_OF: dict[ViolationType, str] = {
    ViolationType.PRICE_BELOW_TERMINAL_FLOOR: "price",
    ViolationType.PRICE_BELOW_BID_FLOOR: "price",
    ViolationType.OUTSIDE_TERRITORY: "cross_region",
    ViolationType.LINE_NOT_AUTHORIZED: "authorization",
    ViolationType.AUTHORIZATION_EXPIRED: "authorization",
    ViolationType.CONTRACT_EXPIRED: "contract",
}

DEFAULT_LADDERS: dict[str, tuple[Penalty, ...]] = {
    "price": (Penalty.WARNING, Penalty.FINE, Penalty.WITHHOLD_PAYMENT, Penalty.STOP_SUPPLY),
    "cross_region": (Penalty.FINE, Penalty.CONFISCATE_DEPOSIT, Penalty.CANCEL_DEALERSHIP),
    "authorization": (Penalty.WARNING, Penalty.FINE, Penalty.STOP_SUPPLY),
    "contract": (Penalty.WARNING, Penalty.STOP_SUPPLY),
}

# Penalties that take money and so need an amount.
NEEDS_AMOUNT = frozenset({Penalty.FINE, Penalty.CONFISCATE_DEPOSIT})
# Offences that count: the violation stood (confirmed or penalized), not dismissed or settled.
COUNTED = frozenset({ViolationStatus.CONFIRMED, ViolationStatus.PENALIZED})


@dataclass(frozen=True, slots=True)
class Suggestion:
    rule: str
    penalty: Penalty
    step: int  # 0-based position on the ladder
    ladder: tuple[Penalty, ...]
    prior: tuple[Violation, ...]  # the earlier offences it counts, newest first


def ladders(
    configured: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, tuple[Penalty, ...]]:
    """The default ladders with the configured ones over them (ValueError on a bad word)."""
    out = dict(DEFAULT_LADDERS)
    for rule, steps in (configured or {}).items():
        if rule not in DEFAULT_LADDERS:
            raise ValueError(f"[penalties] ladder: unknown rule {rule!r}")
        if not steps:
            raise ValueError(f"[penalties] ladder {rule}: no steps")
        out[rule] = tuple(Penalty(s) for s in steps)
    return out


def months_back(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def prior_offences(
    violation: Violation, earlier: Iterable[Violation], since: datetime
) -> tuple[Violation, ...]:
    """The dealer's earlier violations of the same rule that stood, created since `since`."""
    rule = RULE_OF[violation.type]
    found = [
        v
        for v in earlier
        if v.id != violation.id
        and v.dealer == violation.dealer
        and RULE_OF[v.type] == rule
        and v.status in COUNTED
        and since <= v.created_at <= violation.created_at
    ]
    return tuple(sorted(found, key=lambda v: (v.created_at, v.id), reverse=True))


def suggest(
    violation: Violation, prior: Sequence[Violation], ladder_of: Mapping[str, Sequence[Penalty]]
) -> Suggestion:
    """The next step of the rule's ladder after `prior` offences (the top step stays)."""
    rule = RULE_OF[violation.type]
    ladder = tuple(ladder_of[rule])
    step = min(len(prior), len(ladder) - 1)
    return Suggestion(rule, ladder[step], step, ladder, tuple(prior))
