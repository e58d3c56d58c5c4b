"""Fee budgets, requests and claims: value types and the repository port.

A budget is an amount for a period and a region (optionally one product line or one
promotion). What it has committed (approved requests) and spent (paid claims) is never
stored: the repository sums the requests and claims that point at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import DealerCode, RegionCode


class Activity(StrEnum):
    EXHIBITION = "exhibition"  # 展会
    CONFERENCE = "conference"  # 学术会议
    DISPLAY = "display"  # 门店陈列
    ADVERTISING = "advertising"  # 广告
    PROMOTION = "promotion"  # 促销活动
    OTHER = "other"  # 其他


class ProofKind(StrEnum):
    PHOTO = "photo"  # of the activity
    INVOICE = "invoice"  # an invoice image or PDF


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class ClaimState(StrEnum):
    SUBMITTED = "submitted"  # waiting for the sales manager's review of the proof
    RETURNED = "returned"  # back with the dealer for more proof: editable again
    REVIEWED = "reviewed"  # proof approved, waiting for the payment
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PAID = "paid"


class Payout(StrEnum):
    TRANSFER = "transfer"  # paid, with the payment reference
    CREDIT_NOTE = "credit_note"  # credited against the next order


@dataclass(frozen=True, slots=True)
class Budget:
    id: int
    period: str  # 2026, 2026-Q3 or 2026-07
    region: RegionCode
    line: str | None
    promotion_id: int | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    budget: Budget
    committed: Decimal  # approved requests
    spent: Decimal  # paid claims

    @property
    def left(self) -> Decimal:
        return self.budget.amount - self.committed


@dataclass(frozen=True, slots=True)
class NewFeeRequest:
    dealer: DealerCode
    region: RegionCode
    activity: Activity
    promotion_id: int | None
    start: date
    end: date
    place: str
    plan: str
    expected: str
    amount: Decimal
    budget_id: int | None
    over_budget: bool = False


@dataclass(frozen=True, slots=True)
class FeeRequest:
    id: int
    dealer: DealerCode
    region: RegionCode
    activity: Activity
    promotion_id: int | None
    start: date
    end: date
    place: str
    plan: str
    expected: str
    amount: Decimal
    budget_id: int | None
    over_budget: bool
    state: RequestState
    approval_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Proof:
    kind: ProofKind
    filename: str
    mime: str
    sha256: str
    size: int
    content: bytes = b""  # left empty when listed without the bytes


@dataclass(frozen=True, slots=True)
class NewClaim:
    request_id: int
    dealer: DealerCode
    actual: Decimal  # what the dealer spent
    claimed: Decimal  # what is paid at most: actual capped at the approved amount
    results: str
    proofs: tuple[Proof, ...]


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    request_id: int
    dealer: DealerCode
    actual: Decimal
    claimed: Decimal
    results: str
    state: ClaimState
    approval_id: int | None
    submitted_at: datetime
    payout: Payout | None = None
    payment_ref: str = ""
    paid_at: datetime | None = None
    proofs: tuple[Proof, ...] = field(default_factory=tuple)


class FeeRepository(Protocol):
    def save_budget(
        self,
        period: str,
        region: RegionCode,
        line: str | None,
        promotion_id: int | None,
        amount: Decimal,
        now: datetime,
    ) -> tuple[Budget, bool]:
        """Set the amount of the budget with these keys; (budget, True when created)."""
        ...

    def budgets(self, period: str | None = None) -> list[Budget]: ...
    def budget(self, budget_id: int) -> Budget | None: ...
    def statuses(self, budgets: Sequence[Budget]) -> list[BudgetStatus]:
        """Committed and spent of each budget, summed from its requests and claims."""
        ...

    def add_request(self, new: NewFeeRequest, now: datetime) -> FeeRequest: ...
    def link_request(self, request_id: int, approval_id: int) -> None: ...
    def request(self, request_id: int) -> FeeRequest | None: ...
    def request_of_approval(self, approval_id: int) -> FeeRequest | None: ...
    def set_request_state(self, request_id: int, state: RequestState) -> None: ...
    def requests(
        self,
        dealers: Sequence[DealerCode] | None = None,
        states: Sequence[RequestState] | None = None,
        limit: int = 50,
    ) -> list[FeeRequest]:
        """Newest first; `dealers` None: every dealer's."""
        ...

    def add_claim(self, new: NewClaim, now: datetime) -> Claim: ...
    def replace_claim(self, claim_id: int, new: NewClaim, now: datetime) -> Claim:
        """A returned claim edited: new figures and proof, submitted again."""
        ...

    def link_claim(self, claim_id: int, approval_id: int) -> None: ...
    def claim(self, claim_id: int, *, content: bool = False) -> Claim | None: ...
    def claim_of_request(self, request_id: int) -> Claim | None: ...
    def claim_of_approval(self, approval_id: int) -> Claim | None: ...
    def set_claim_state(
        self,
        claim_id: int,
        state: ClaimState,
        *,
        payout: Payout | None = None,
        payment_ref: str = "",
        paid_at: datetime | None = None,
    ) -> None: ...
    def claims_with_hashes(self, hashes: Sequence[str]) -> dict[str, list[int]]:
        """For each hash, the claims holding a proof file with it."""
        ...
