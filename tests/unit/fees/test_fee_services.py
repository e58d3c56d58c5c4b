"""Fee use cases over a small in-memory repository: what is stored, and what is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.catalog.model import DealerCode, RegionCode
from domain.fees.model import (
    Activity,
    Budget,
    BudgetStatus,
    Claim,
    ClaimState,
    FeeRequest,
    NewClaim,
    NewFeeRequest,
    Proof,
    ProofKind,
    RequestState,
)
from domain.fees.rules import ClaimRefusal, OverBudget, RequestRefusal
from domain.fees.services import (
    ClaimRefused,
    ProofMissing,
    RequestRefused,
    file_claim,
    open_request,
)

NOW = datetime(2026, 8, 20, 2, 0, tzinfo=UTC)
D = Decimal
NEED = {ProofKind.PHOTO: 2, ProofKind.INVOICE: 1}


class FakeFees:
    """Requests and claims in dicts; only what the use cases call."""

    def __init__(self) -> None:
        self.requests: dict[int, FeeRequest] = {}
        self.claims: dict[int, Claim] = {}

    def add_request(self, new: NewFeeRequest, now: datetime) -> FeeRequest:
        fee = FeeRequest(
            len(self.requests) + 1, *[getattr(new, f) for f in NewFeeRequest.__slots__],
            RequestState.PENDING, None, now,
        )  # fmt: skip
        self.requests[fee.id] = fee
        return fee

    def _claim(self, claim_id: int, new: NewClaim, now: datetime) -> Claim:
        return Claim(
            claim_id, new.request_id, new.dealer, new.actual, new.claimed, new.results,
            ClaimState.SUBMITTED, None, now, proofs=new.proofs,
        )  # fmt: skip

    def add_claim(self, new: NewClaim, now: datetime) -> Claim:
        claim = self._claim(len(self.claims) + 1, new, now)
        self.claims[claim.id] = claim
        return claim

    def replace_claim(self, claim_id: int, new: NewClaim, now: datetime) -> Claim:
        self.claims[claim_id] = self._claim(claim_id, new, now)
        return self.claims[claim_id]

    def claim_of_request(self, request_id: int) -> Claim | None:
        return next((c for c in self.claims.values() if c.request_id == request_id), None)

    def claims_with_hashes(self, hashes):
        found: dict[str, list[int]] = {}
        for c in self.claims.values():
            for p in c.proofs:
                if p.sha256 in hashes and c.id not in found.get(p.sha256, []):
                    found.setdefault(p.sha256, []).append(c.id)
        return found


def status(left: str) -> BudgetStatus:
    budget = Budget(4, "2026-Q3", RegionCode("SC"), None, None, D("10000"))
    return BudgetStatus(budget, D("10000") - D(left), D("0"))


def new_request(amount: str) -> NewFeeRequest:
    return NewFeeRequest(
        DealerCode("D001"), RegionCode("SC"), Activity.EXHIBITION, None,
        date(2026, 8, 1), date(2026, 8, 3), "展馆", "方案", "效果", D(amount), None,
    )  # fmt: skip


def approved(repo: FakeFees, amount: str = "5000") -> FeeRequest:
    fee = open_request(repo, new_request(amount), status("10000"), OverBudget.REFUSE, NOW)
    repo.requests[fee.id] = replace(fee, state=RequestState.APPROVED)
    return repo.requests[fee.id]


def proof(kind: ProofKind, digest: str) -> Proof:
    return Proof(kind, f"{digest}.jpg", "image/jpeg", digest, 10, b"x")


FULL = (proof(ProofKind.PHOTO, "a"), proof(ProofKind.PHOTO, "b"), proof(ProofKind.INVOICE, "c"))


def claim(repo: FakeFees, fee: FeeRequest, proofs=FULL, actual: str = "6000"):
    return file_claim(
        repo, fee, actual=D(actual), results="好", proofs=proofs, required=NEED,
        today=date(2026, 8, 20), claim_days=30, now=NOW,
    )  # fmt: skip


def test_a_request_over_what_is_left_is_refused_and_nothing_is_stored():
    repo = FakeFees()
    with pytest.raises(RequestRefused) as refused:
        open_request(repo, new_request("3000"), status("2000"), OverBudget.REFUSE, NOW)
    assert refused.value.refusal is RequestRefusal.OVER_BUDGET
    assert refused.value.left == D("2000") and repo.requests == {}


def test_a_routed_over_budget_request_is_stored_flagged_against_its_budget():
    repo = FakeFees()
    fee = open_request(repo, new_request("3000"), status("2000"), OverBudget.ROUTE, NOW)
    assert fee.over_budget and fee.budget_id == 4 and fee.state is RequestState.PENDING


def test_a_claim_is_capped_and_one_with_missing_proof_is_not_stored():
    repo = FakeFees()
    fee = approved(repo)
    with pytest.raises(ProofMissing) as missing:
        claim(repo, fee, proofs=FULL[:1])
    assert missing.value.missing == {ProofKind.PHOTO: 1, ProofKind.INVOICE: 1}
    assert repo.claims == {}
    filed = claim(repo, fee)
    assert filed.claim.claimed == D("5000.00") and filed.capped.over == D("1000.00")
    assert filed.claim.actual == D("6000.00") and not filed.resubmitted


def test_a_submitted_claim_is_frozen_and_a_returned_one_is_replaced():
    repo = FakeFees()
    fee = approved(repo)
    first = claim(repo, fee).claim
    with pytest.raises(ClaimRefused) as frozen:
        claim(repo, fee)
    assert frozen.value.refusal is ClaimRefusal.FROZEN
    repo.claims[first.id] = replace(first, state=ClaimState.RETURNED)
    again = claim(repo, fee, actual="4000")
    assert again.resubmitted and again.claim.id == first.id and again.claim.claimed == D("4000")


def test_the_same_file_on_a_second_claim_is_flagged_with_the_first():
    repo = FakeFees()
    one, two = approved(repo), approved(repo)
    claim(repo, one)
    second = claim(repo, two, proofs=(*FULL[:2], proof(ProofKind.INVOICE, "z")))
    assert second.reused == {"a": (1,), "b": (1,)}
