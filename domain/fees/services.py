"""Fee use cases over the repository port: open a request against its budget, file a claim.

Each checks with the rules first and writes nothing when refused; the caller (a handler) sends
the approval request, tells the people concerned and commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from domain.fees.model import (
    BudgetStatus,
    Claim,
    ClaimState,
    FeeRepository,
    FeeRequest,
    NewClaim,
    NewFeeRequest,
    Proof,
    ProofKind,
)
from domain.fees.rules import (
    Capped,
    ClaimRefusal,
    OverBudget,
    RequestRefusal,
    cap_claim,
    check_amount,
    check_claim_open,
    check_editable,
    missing_proof,
    reused_files,
)
from domain.shared.money import to_money

ZERO = Decimal("0.00")


class RequestRefused(Exception):
    def __init__(self, refusal: RequestRefusal, left: Decimal):
        super().__init__(refusal.value)
        self.refusal = refusal
        self.left = left


class ClaimRefused(Exception):
    def __init__(self, refusal: ClaimRefusal, state: ClaimState | None = None):
        super().__init__(refusal.value)
        self.refusal = refusal
        self.state = state  # the stored claim's, when it is frozen


class ProofMissing(Exception):
    def __init__(self, missing: dict[ProofKind, int]):
        super().__init__(", ".join(f"{k.value}: {n}" for k, n in missing.items()))
        self.missing = missing


def check_request(amount: Decimal, status: BudgetStatus | None, policy: OverBudget) -> bool:
    """Whether the request goes on flagged as over budget; RequestRefused when it may not go."""
    left = status.left if status else None
    check = check_amount(amount, left, policy)
    if check.refusal is not None:
        raise RequestRefused(check.refusal, left if left is not None else ZERO)
    return check.over_budget


def open_request(
    repo: FeeRepository,
    new: NewFeeRequest,
    status: BudgetStatus | None,
    policy: OverBudget,
    now: datetime,
) -> FeeRequest:
    """Store the request against the budget it draws on (checked against what is left now)."""
    over = check_request(new.amount, status, policy)
    budget_id = status.budget.id if status else None
    return repo.add_request(replace(new, budget_id=budget_id, over_budget=over), now)


def claimable(repo: FeeRepository, fee: FeeRequest, today: date, claim_days: int) -> int | None:
    """The returned claim to edit (None: a new one may be filed); ClaimRefused otherwise."""
    claim = repo.claim_of_request(fee.id)
    if claim is not None:
        if check_editable(claim.state) is not None:
            raise ClaimRefused(ClaimRefusal.FROZEN, claim.state)
        return claim.id
    refusal = check_claim_open(fee.state, fee.end, today, claim_days)
    if refusal is not None:
        raise ClaimRefused(refusal)
    return None


@dataclass(frozen=True, slots=True)
class Filed:
    claim: Claim
    capped: Capped
    reused: dict[str, tuple[int, ...]]  # file hash -> the other claims that used it
    resubmitted: bool  # a returned claim filed again


def file_claim(
    repo: FeeRepository,
    fee: FeeRequest,
    *,
    actual: Decimal,
    results: str,
    proofs: tuple[Proof, ...],
    required: Mapping[ProofKind, int],
    today: date,
    claim_days: int,
    now: datetime,
) -> Filed:
    """Check and store a claim (or a returned one's new figures and proof), capped at the
    approved amount; ClaimRefused or ProofMissing, writing nothing, when it may not."""
    editing = claimable(repo, fee, today, claim_days)
    missing = missing_proof(required, [p.kind for p in proofs])
    if missing:
        raise ProofMissing(missing)
    capped = cap_claim(actual, fee.amount)
    hashes = [p.sha256 for p in proofs]
    reused = reused_files(hashes, repo.claims_with_hashes(hashes), editing)
    new = NewClaim(fee.id, fee.dealer, to_money(actual), capped.claimed, results, proofs)
    if editing is not None:
        return Filed(repo.replace_claim(editing, new, now), capped, reused, True)
    return Filed(repo.add_claim(new, now), capped, reused, False)
