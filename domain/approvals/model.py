"""Approval requests and their decisions: value types and the repository port."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NewType, Protocol

from domain.catalog.model import DealerCode, ManagerCode, ManagerRole, Sku
from domain.sales.model import PriceException

RequestId = NewType("RequestId", int)


class Kind(StrEnum):
    PRICE_EXCEPTION = "price_exception"
    ONBOARDING = "onboarding"
    RENEWAL = "renewal"
    DEPOSIT_CHANGE = "deposit_change"
    PENALTY_APPEAL = "penalty_appeal"
    REBATE_SETTLEMENT = "rebate_settlement"
    FEE_REQUEST = "fee_request"
    FEE_CLAIM = "fee_claim"
    SCORECARD = "scorecard"
    TERMINAL_PROPOSAL = "terminal_proposal"


class State(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"  # back with the requester for changes; they may resubmit
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


FINAL = frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN, State.EXPIRED})


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    WITHDRAW = "withdraw"
    RESUBMIT = "resubmit"
    EXPIRE = "expire"


NEEDS_REASON = frozenset({Decision.REJECT, Decision.RETURN})


@dataclass(frozen=True, slots=True)
class StepRule:
    """Who decides a step: a role within the subject's scope, or one named manager."""

    role: ManagerRole | None = None
    manager: ManagerCode | None = None

    @classmethod
    def parse(cls, text: str) -> StepRule:
        """`marketing_director` or `manager:M003` (ValueError on anything else)."""
        text = text.strip()
        if text.lower().startswith("manager:"):
            code = text.split(":", 1)[1].strip().upper()
            if not code:
                raise ValueError(f"approval step {text!r}: no manager code")
            return cls(manager=ManagerCode(code))
        return cls(role=ManagerRole(text.lower()))

    def __str__(self) -> str:
        return f"manager:{self.manager}" if self.manager else str(self.role)


@dataclass(frozen=True, slots=True)
class Approver:
    """A manager as a step's rule sees them: `in_scope` says the request's subject lies within
    their regions (and lines); `for_manager` names whom they stand in for, when delegated."""

    code: ManagerCode
    role: ManagerRole
    in_scope: bool
    for_manager: ManagerCode | None = None


@dataclass
class Request:
    id: RequestId
    kind: Kind
    subject: str  # what is decided, e.g. "A100 @ 2600"
    dealer: DealerCode | None  # whose scope the steps are decided in
    requester: str  # actor label, "dealer:D001" / "manager:M01"
    payload: dict[str, Any]
    chain: tuple[StepRule, ...]
    step: int
    state: State
    version: int
    created_at: datetime
    step_started_at: datetime
    reminded_step: int = -1  # the last step whose reminder went out
    escalated_step: int = -1  # the last step escalated to the role above
    decided_at: datetime | None = None

    @property
    def rule(self) -> StepRule | None:
        return self.chain[self.step] if self.state is State.PENDING else None


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    request_id: RequestId
    step: int
    version: int  # the request's version the decision was taken on
    decision: Decision
    actor: str  # who pressed
    at: datetime
    reason: str = ""
    for_manager: ManagerCode | None = None  # whom the actor stood in for


@dataclass(frozen=True, slots=True)
class Delegation:
    manager: ManagerCode
    delegate: ManagerCode
    start: date
    end: date
    created_by: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class NewRequest:
    kind: Kind
    subject: str
    dealer: DealerCode | None
    requester: str
    chain: tuple[StepRule, ...]
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExceptionView:
    """A price exception as managers and its dealer see it, with the units sold under it."""

    id: int
    sku: Sku
    dealer: DealerCode | None
    min_price: Decimal
    valid_from: date
    valid_to: date | None
    qty_cap: int | None
    qty_used: int
    approved_by: str
    created_at: datetime
    request_id: int | None
    reason: str
    revoked_at: datetime | None
    revoked_by: str | None

    def active_on(self, day: date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
            and (self.qty_cap is None or self.qty_used < self.qty_cap)
        )


class DecisionTaken(Exception):
    """Another press won the compare-and-set first (or this one was already stored)."""


class ApprovalRepository(Protocol):
    def add(self, new: NewRequest, now: datetime) -> Request: ...
    def add_many(self, news: Sequence[NewRequest], now: datetime) -> list[Request]:
        """`add` of each, in as few statements as the store allows, in the order given."""
        ...

    def get(self, request_id: RequestId) -> Request | None: ...
    def advance(
        self, request: Request, record: DecisionRecord, dedupe_key: str, *, step: int, state: State
    ) -> Request:
        """Store the decision and move the request on, only if it is still at the record's
        step and version (compare-and-set); DecisionTaken otherwise, nothing changed."""
        ...

    def mark_alerts(self, request: Request, *, reminded: int, escalated: int) -> None: ...
    def revise_payload(self, request_id: RequestId, payload: dict[str, Any]) -> None:
        """Replace what the request carries (its subject changed while it was returned)."""
        ...

    def decisions(self, request_id: RequestId) -> list[DecisionRecord]: ...
    def last_decision(self, request_id: RequestId) -> DecisionRecord | None: ...
    def pending(self, kinds: tuple[Kind, ...] | None = None) -> list[Request]: ...
    def of_requester(self, requester: str, limit: int = 30) -> list[Request]: ...
    def decided_between(self, start: datetime, end: datetime) -> list[DecisionRecord]: ...
    def add_delegation(self, delegation: Delegation, now: datetime) -> None: ...
    def delegations_to(self, delegate: ManagerCode, day: date) -> list[Delegation]: ...


class PriceExceptionRepository(Protocol):
    def add(
        self,
        exception: PriceException,
        now: datetime,
        *,
        request_id: int | None = None,
        reason: str = "",
    ) -> int:
        """Store an exception; returns its id."""
        ...

    def get(self, exception_id: int) -> ExceptionView | None: ...
    def listed(
        self,
        dealers: Sequence[DealerCode] | None = None,
        sku: Sku | None = None,
        limit: int = 50,
    ) -> list[ExceptionView]:
        """Newest first; `dealers` None: every dealer's and those for all dealers."""
        ...

    def revoke(self, exception_id: int, by: str, now: datetime) -> bool:
        """Revoke it; False when unknown or already revoked."""
        ...
