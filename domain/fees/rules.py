"""What fee requests and claims may do: pure rules over prefetched figures.

A request may not take more than its budget has left, unless the over-budget policy routes
it to the role above; a claim is paid at most what was approved; a claim is filed before
`claim_days` after the activity ends, with the proof its activity type requires; its proof
is frozen once submitted (editable again only when returned).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.fees.model import (
    Activity,
    Budget,
    ClaimState,
    ProofKind,
    RequestState,
)
from domain.shared.money import to_money
from domain.shared.periods import Period, PeriodError

ZERO = Decimal("0.00")


class OverBudget(StrEnum):
    REFUSE = "refuse"
    ROUTE = "route"  # sent on, flagged, with the role above added to the chain


class RequestRefusal(StrEnum):
    NOT_POSITIVE = "not_positive"
    NO_BUDGET = "no_budget"
    OVER_BUDGET = "over_budget"
    DATES_REVERSED = "dates_reversed"


class ClaimRefusal(StrEnum):
    NOT_APPROVED = "not_approved"
    DEADLINE_PASSED = "deadline_passed"
    NOT_ENDED = "not_ended"  # claimed before the activity's end
    FROZEN = "frozen"  # submitted: its proof may not change any more


@dataclass(frozen=True, slots=True)
class AmountCheck:
    refusal: RequestRefusal | None
    over_budget: bool  # routed on as over budget


def check_amount(amount: Decimal, left: Decimal | None, policy: OverBudget) -> AmountCheck:
    """`left` None: no budget is set for the request's region and period (nothing left)."""
    if to_money(amount) <= 0:
        return AmountCheck(RequestRefusal.NOT_POSITIVE, False)
    if left is not None and to_money(amount) <= left:
        return AmountCheck(None, False)
    if policy is OverBudget.ROUTE:
        return AmountCheck(None, True)
    return AmountCheck(
        RequestRefusal.NO_BUDGET if left is None else RequestRefusal.OVER_BUDGET, False
    )


def request_chain_steps(
    base: Sequence[str],
    amount: Decimal,
    second_step_amount: Decimal,
    *,
    over_budget: bool,
    second_role: str = "marketing_director",
    over_budget_role: str = "marketing_director",
) -> tuple[str, ...]:
    """The configured chain, with the second role added above `second_step_amount` and the
    over-budget role added when the request is over its budget (each once)."""
    steps = list(base)
    if to_money(amount) > second_step_amount and second_role not in steps:
        steps.append(second_role)
    if over_budget and over_budget_role not in steps:
        steps.append(over_budget_role)
    return tuple(steps)


def matching_budget(
    budgets: Iterable[Budget],
    day: date,
    region_chain: Sequence[str],
    *,
    line: str | None = None,
    promotion_id: int | None = None,
) -> Budget | None:
    """The most specific budget for a request: its promotion's, then its line's, then the
    region's; the dealer's own region before the regions above it (`region_chain` runs
    from the region up); a month before a quarter before a year."""
    best: tuple[tuple[int, int, int], Budget] | None = None
    for budget in budgets:
        try:
            period = Period.parse(budget.period)
        except PeriodError:
            continue
        if not period.start <= day <= period.end or budget.region not in region_chain:
            continue
        if budget.promotion_id is not None and budget.promotion_id != promotion_id:
            continue
        if budget.line is not None and budget.line != line:
            continue
        specific = 2 if budget.promotion_id is not None else 1 if budget.line is not None else 0
        rank = (-specific, region_chain.index(budget.region), (period.end - period.start).days)
        if best is None or rank < best[0]:
            best = (rank, budget)
    return best[1] if best else None


@dataclass(frozen=True, slots=True)
class Capped:
    claimed: Decimal  # what the claim asks for: the actual spend, at most the approved
    over: Decimal  # the part of the actual spend above the approved amount (0: none)


def cap_claim(actual: Decimal, approved: Decimal) -> Capped:
    actual, approved = to_money(actual), to_money(approved)
    if actual <= approved:
        return Capped(actual, ZERO)
    return Capped(approved, actual - approved)


def claim_deadline(end: date, claim_days: int) -> date:
    """The last day a claim may be filed."""
    return end + timedelta(days=claim_days)


def check_claim_open(
    state: RequestState, end: date, today: date, claim_days: int
) -> ClaimRefusal | None:
    """May a claim be filed against the request today?"""
    if state is not RequestState.APPROVED:
        return ClaimRefusal.NOT_APPROVED
    if today < end:
        return ClaimRefusal.NOT_ENDED
    if today > claim_deadline(end, claim_days):
        return ClaimRefusal.DEADLINE_PASSED
    return None


EDITABLE = frozenset({ClaimState.RETURNED})


def check_editable(state: ClaimState | None) -> ClaimRefusal | None:
    """A claim not yet stored (the dealer's draft) or returned may be edited; once submitted
    its figures and proof are frozen."""
    if state is None or state in EDITABLE:
        return None
    return ClaimRefusal.FROZEN


Requirement = Mapping[str, Mapping[str, int]]  # activity -> proof kind -> count

DEFAULT_PROOF: dict[str, dict[str, int]] = {
    Activity.EXHIBITION: {ProofKind.PHOTO: 3, ProofKind.INVOICE: 1},
    Activity.CONFERENCE: {ProofKind.PHOTO: 2, ProofKind.INVOICE: 1},
    Activity.DISPLAY: {ProofKind.PHOTO: 2, ProofKind.INVOICE: 0},
    Activity.ADVERTISING: {ProofKind.PHOTO: 1, ProofKind.INVOICE: 1},
    Activity.PROMOTION: {ProofKind.PHOTO: 2, ProofKind.INVOICE: 1},
    Activity.OTHER: {ProofKind.PHOTO: 1, ProofKind.INVOICE: 1},
}


def required_proof(
    activity: Activity, configured: Requirement | None = None
) -> dict[ProofKind, int]:
    wanted = {**DEFAULT_PROOF[activity], **dict((configured or {}).get(activity.value, {}))}
    return {ProofKind(k): int(n) for k, n in wanted.items()}


def missing_proof(
    required: Mapping[ProofKind, int], given: Iterable[ProofKind]
) -> dict[ProofKind, int]:
    """How many files of each kind are still missing (kinds with none missing left out)."""
    counts: dict[ProofKind, int] = {}
    for kind in given:
        counts[kind] = counts.get(kind, 0) + 1
    return {k: n - counts.get(k, 0) for k, n in required.items() if n > counts.get(k, 0)}


def reused_files(
    hashes: Iterable[str], others: Mapping[str, Sequence[int]], claim_id: int | None = None
) -> dict[str, tuple[int, ...]]:
    """The files of a claim that another claim used too: hash -> the other claims."""
    found = {}
    for digest in dict.fromkeys(hashes):
        elsewhere = tuple(c for c in others.get(digest, ()) if c != claim_id)
        if elsewhere:
            found[digest] = elsewhere
    return found


ALERT_LEVELS = (80, 100)


def alert_levels(committed: Decimal, amount: Decimal) -> tuple[int, ...]:
    """The alert levels (percent of the budget committed) reached."""
    if amount <= 0:
        return ALERT_LEVELS if committed > 0 else ()
    share = committed * 100 / amount
    return tuple(level for level in ALERT_LEVELS if share >= level)


def reminder_due(deadline: date, today: date, remind_days: int) -> bool:
    """A claim not filed yet is reminded from `remind_days` before its deadline until it."""
    return deadline - timedelta(days=remind_days) <= today <= deadline
