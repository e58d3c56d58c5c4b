"""Approval use cases over the repository port: submit, decide, withdraw/resubmit, expire.

Each returns an `Outcome`; the caller (a handler) tells the people concerned and commits.
A decision is a compare-and-set on the request's step and version, stored with the
inbound's dedupe key in the caller's transaction, so two presses at once or a redelivered
press take effect once; the loser is told who decided and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.approvals.model import (
    NEEDS_REASON,
    ApprovalRepository,
    Approver,
    Decision,
    DecisionRecord,
    DecisionTaken,
    NewRequest,
    Request,
)
from domain.approvals.rules import (
    Refusal,
    check_decision,
    check_requester_move,
    next_position,
)


class ApprovalRefused(Exception):
    def __init__(self, refusal: Refusal, request: Request, last: DecisionRecord | None = None):
        super().__init__(refusal.value)
        self.refusal = refusal
        self.request = request
        self.last = last  # the decision that got there first, for "已由 X 于 T 处理"


class ReasonRequired(Exception):
    """Reject and return need a reason."""


@dataclass(frozen=True, slots=True)
class Outcome:
    request: Request  # as it is after the decision
    record: DecisionRecord
    previous_step: int


def submit(repo: ApprovalRepository, new: NewRequest, now: datetime) -> Request:
    if not new.chain:
        raise ValueError(f"approval {new.kind}: an empty chain")
    return repo.add(new, now)


def submit_many(
    repo: ApprovalRepository, news: Sequence[NewRequest], now: datetime
) -> list[Request]:
    """`submit` of each, written together (a job's thousands of requests)."""
    for new in news:
        if not new.chain:
            raise ValueError(f"approval {new.kind}: an empty chain")
    return repo.add_many(news, now) if news else []


def _refused(repo: ApprovalRepository, refusal: Refusal, request: Request) -> ApprovalRefused:
    last = repo.last_decision(request.id) if refusal is Refusal.ALREADY_DECIDED else None
    return ApprovalRefused(refusal, request, last)


def _advance(
    repo: ApprovalRepository, request: Request, record: DecisionRecord, dedupe_key: str
) -> Outcome:
    step, state = next_position(request, record.decision)
    previous = request.step
    try:
        after = repo.advance(request, record, dedupe_key, step=step, state=state)
    except DecisionTaken:
        fresh = repo.get(request.id) or request
        raise ApprovalRefused(
            Refusal.ALREADY_DECIDED, fresh, repo.last_decision(request.id)
        ) from None
    return Outcome(after, record, previous)


def decide(
    repo: ApprovalRepository,
    request: Request,
    *,
    actor: str,
    approvers: Iterable[Approver],
    decision: Decision,
    step: int,
    version: int,
    reason: str,
    now: datetime,
    dedupe_key: str,
) -> Outcome:
    """Approve, reject or return step `step` of the request as seen at `version`."""
    refusal, approver = check_decision(request, actor, approvers, step, version)
    if refusal is not None:
        raise _refused(repo, refusal, request)
    assert approver is not None
    if decision in NEEDS_REASON and not reason.strip():
        raise ReasonRequired()
    record = DecisionRecord(
        request.id, step, version, decision, actor, now, reason.strip(), approver.for_manager
    )
    return _advance(repo, request, record, dedupe_key)


def requester_move(
    repo: ApprovalRepository,
    request: Request,
    *,
    actor: str,
    decision: Decision,
    reason: str,
    now: datetime,
    dedupe_key: str,
) -> Outcome:
    """Withdraw or resubmit the requester's own request."""
    refusal = check_requester_move(request, actor, decision)
    if refusal is not None:
        raise _refused(repo, refusal, request)
    record = DecisionRecord(
        request.id, request.step, request.version, decision, actor, now, reason.strip()
    )
    return _advance(repo, request, record, dedupe_key)


def expire(repo: ApprovalRepository, request: Request, now: datetime, dedupe_key: str) -> Outcome:
    record = DecisionRecord(
        request.id, request.step, request.version, Decision.EXPIRE, "job:approval_sla", now
    )
    return _advance(repo, request, record, dedupe_key)
