"""The approval state machine and who may decide a step: pure functions over value types.

A request walks its chain one step at a time: approving the last step approves it; a
rejection at any step ends it; a return hands it back to the requester, who may resubmit
(the chain starts again) or withdraw. A step left undecided is reminded, then escalated to
the admins, then expires (`sla_due`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.approvals.model import (
    FINAL,
    Approver,
    Decision,
    Kind,
    Request,
    State,
    StepRule,
)
from domain.catalog.model import ManagerRole


class Refusal(StrEnum):
    ALREADY_DECIDED = "already_decided"  # not pending any more, or this step is past
    OWN_REQUEST = "own_request"
    NOT_YET = "not_yet"  # a later step of the chain is theirs, not this one
    OUT_OF_SCOPE = "out_of_scope"  # the step's role, but not for this subject's region
    NOT_APPROVER = "not_approver"
    NOT_REQUESTER = "not_requester"
    NOT_RETURNED = "not_returned"


# The policy's chains (七.1: special prices need the marketing director's approval; 三: the
# onboarding flow); `[approvals.chains]` in the config replaces any of them.
DEFAULT_CHAINS: dict[Kind, tuple[str, ...]] = {
    Kind.PRICE_EXCEPTION: ("marketing_director",),
    Kind.ONBOARDING: (
        "regional_director",
        "product_line_manager",
        "sales_manager",
        "marketing_admin",
    ),
    Kind.RENEWAL: ("sales_manager", "marketing_director"),
    Kind.DEPOSIT_CHANGE: ("marketing_director",),
    Kind.PENALTY_APPEAL: ("marketing_director",),
    Kind.REBATE_SETTLEMENT: ("sales_manager", "marketing_director"),
    Kind.FEE_REQUEST: ("sales_manager",),
    Kind.FEE_CLAIM: ("sales_manager", "marketing_admin"),
    Kind.SCORECARD: ("sales_manager",),
    Kind.TERMINAL_PROPOSAL: ("regional_director",),
}


def chain_for(
    kind: Kind, configured: Mapping[str, Sequence[str]] | None = None
) -> tuple[StepRule, ...]:
    steps = (configured or {}).get(kind.value) or DEFAULT_CHAINS[kind]
    return tuple(StepRule.parse(s) for s in steps)


def exception_chain(
    gap: Decimal, second_step_gap: Decimal, configured: Mapping[str, Sequence[str]] | None = None
) -> tuple[StepRule, ...]:
    """A price exception's chain; an admin signs after it when the price is more than
    `second_step_gap` (a fraction) under the floor."""
    chain = chain_for(Kind.PRICE_EXCEPTION, configured)
    admin = StepRule(role=ManagerRole.ADMIN)
    if gap > second_step_gap and admin not in chain:
        chain = (*chain, admin)
    return chain


def fits(rule: StepRule, approver: Approver) -> bool:
    if rule.manager is not None:
        return rule.manager == approver.code
    return rule.role is approver.role and approver.in_scope


def check_decision(
    request: Request,
    actor: str,
    approvers: Iterable[Approver],
    step: int,
    version: int,
) -> tuple[Refusal | None, Approver | None]:
    """May `actor` (as any of `approvers`: themselves or whom they stand in for) decide step
    `step` of the request as it was at `version`? Returns (None, the approver acting) or
    (why not, None)."""
    if request.state is not State.PENDING or request.step != step or request.version != version:
        return Refusal.ALREADY_DECIDED, None
    if actor == request.requester:
        return Refusal.OWN_REQUEST, None
    approvers = list(approvers)
    rule = request.chain[step]
    for approver in approvers:
        if fits(rule, approver):
            return None, approver
    # An escalated step may also be decided by an admin.
    if request.escalated_step == step:
        for approver in approvers:
            if approver.role is ManagerRole.ADMIN:
                return None, approver
    later = request.chain[step + 1 :]
    if any(fits(r, a) for r in later for a in approvers):
        return Refusal.NOT_YET, None
    if any(rule.role is a.role for a in approvers):
        return Refusal.OUT_OF_SCOPE, None
    return Refusal.NOT_APPROVER, None


def check_requester_move(request: Request, actor: str, decision: Decision) -> Refusal | None:
    """Withdraw (pending or returned) and resubmit (returned) are the requester's alone."""
    if actor != request.requester:
        return Refusal.NOT_REQUESTER
    if request.state in FINAL:
        return Refusal.ALREADY_DECIDED
    if decision is Decision.RESUBMIT and request.state is not State.RETURNED:
        return Refusal.NOT_RETURNED
    return None


def next_position(request: Request, decision: Decision) -> tuple[int, State]:
    """The step and state a decision moves the request to."""
    if decision is Decision.APPROVE:
        if request.step + 1 < len(request.chain):
            return request.step + 1, State.PENDING
        return request.step, State.APPROVED
    if decision is Decision.RESUBMIT:
        return 0, State.PENDING
    final = {
        Decision.REJECT: State.REJECTED,
        Decision.RETURN: State.RETURNED,
        Decision.WITHDRAW: State.WITHDRAWN,
        Decision.EXPIRE: State.EXPIRED,
    }
    return request.step, final[decision]


class SlaAction(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"
    EXPIRE = "expire"


@dataclass(frozen=True, slots=True)
class Sla:
    """A step's hours; the reminder goes out at `remind_fraction` of them, the escalation
    when they run out, and the request expires as long again after the escalation."""

    hours: float = 48
    remind_fraction: float = 0.75

    def due(self, started: datetime) -> datetime:
        return started + timedelta(hours=self.hours)


def sla_due(request: Request, now: datetime, sla: Sla) -> SlaAction | None:
    """What the approval_sla job owes this request now (None: nothing)."""
    if request.state is not State.PENDING:
        return None
    elapsed = now - request.step_started_at
    span = timedelta(hours=sla.hours)
    if elapsed >= 2 * span and request.escalated_step == request.step:
        return SlaAction.EXPIRE
    if elapsed >= span and request.escalated_step != request.step:
        return SlaAction.ESCALATE
    if elapsed >= span * sla.remind_fraction and request.reminded_step < request.step:
        return SlaAction.REMIND
    return None


def sla_dedupe_key(request: Request, action: SlaAction) -> str:
    """Job, subject and period: one message per request, step and action."""
    return f"approval_sla:{action.value}:{request.id}:{request.step}"
