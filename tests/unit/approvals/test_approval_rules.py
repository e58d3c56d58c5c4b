"""The approval engine with a fake repository: chains, refusals, compare-and-set, SLA."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.approvals.model import (
    Approver,
    Decision,
    DecisionRecord,
    DecisionTaken,
    Kind,
    NewRequest,
    Request,
    RequestId,
    State,
    StepRule,
)
from domain.approvals.rules import (
    Refusal,
    Sla,
    SlaAction,
    chain_for,
    exception_chain,
    sla_due,
)
from domain.approvals.services import (
    ApprovalRefused,
    ReasonRequired,
    decide,
    expire,
    requester_move,
    submit,
)
from domain.catalog.model import DealerCode, ManagerCode, ManagerRole

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


class FakeApprovals:
    """Requests in a dict; `advance` compares step and version as the database does."""

    def __init__(self) -> None:
        self.requests: dict[int, Request] = {}
        self.records: list[DecisionRecord] = []
        self.keys: set[str] = set()

    def add(self, new: NewRequest, now: datetime) -> Request:
        rid = RequestId(len(self.requests) + 1)
        r = Request(
            rid, new.kind, new.subject, new.dealer, new.requester, dict(new.payload),
            new.chain, 0, State.PENDING, 1, now, now,
        )  # fmt: skip
        self.requests[rid] = r
        return copy.copy(r)

    def get(self, request_id):
        r = self.requests.get(request_id)
        return copy.copy(r) if r else None

    def advance(self, request, record, dedupe_key, *, step, state):
        stored = self.requests[request.id]
        if dedupe_key in self.keys or (stored.step, stored.version, stored.state) != (
            record.step,
            record.version,
            State.PENDING
            if record.decision not in (Decision.WITHDRAW, Decision.RESUBMIT)
            else stored.state,
        ):
            raise DecisionTaken()
        self.keys.add(dedupe_key)
        if step != stored.step or state is State.PENDING:
            stored.step_started_at = record.at
        stored.step, stored.state, stored.version = step, state, stored.version + 1
        self.records.append(record)
        return copy.copy(stored)

    def last_decision(self, request_id):
        mine = [r for r in self.records if r.request_id == request_id]
        return mine[-1] if mine else None


def md(code="M10", in_scope=True):
    return Approver(ManagerCode(code), ManagerRole.MARKETING_DIRECTOR, in_scope)


def new(
    chain=("regional_director", "sales_manager", "marketing_director"), requester="dealer:D001"
):
    return NewRequest(
        Kind.ONBOARDING,
        "D009",
        DealerCode("D001"),
        requester,
        tuple(StepRule.parse(s) for s in chain),
    )


def press(repo, r, actor, approver, decision=Decision.APPROVE, reason="", key=None, at=NOW):
    fresh = repo.get(r.id)
    return decide(
        repo, fresh, actor=actor, approvers=[approver], decision=decision, step=fresh.step,
        version=fresh.version, reason=reason, now=at, dedupe_key=key or f"{actor}:{fresh.version}",
    )  # fmt: skip


def test_a_three_step_chain_is_decided_in_order():
    repo = FakeApprovals()
    r = submit(repo, new(), NOW)
    rd = Approver(ManagerCode("M05"), ManagerRole.REGIONAL_DIRECTOR, True)
    sm = Approver(ManagerCode("M01"), ManagerRole.SALES_MANAGER, True)
    assert press(repo, r, "manager:M05", rd).request.step == 1
    assert press(repo, r, "manager:M01", sm).request.step == 2
    done = press(repo, r, "manager:M10", md())
    assert done.request.state is State.APPROVED
    assert [x.actor for x in repo.records] == ["manager:M05", "manager:M01", "manager:M10"]


def test_a_later_steps_approver_is_refused_until_their_turn():
    repo = FakeApprovals()
    r = submit(repo, new(), NOW)
    with pytest.raises(ApprovalRefused) as err:
        press(repo, r, "manager:M10", md())
    assert err.value.refusal is Refusal.NOT_YET


def test_the_right_role_out_of_the_subjects_region_is_refused():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director",)), NOW)
    with pytest.raises(ApprovalRefused) as err:
        press(repo, r, "manager:M11", md("M11", in_scope=False))
    assert err.value.refusal is Refusal.OUT_OF_SCOPE


def test_nobody_approves_their_own_request():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director",), requester="manager:M10"), NOW)
    with pytest.raises(ApprovalRefused) as err:
        press(repo, r, "manager:M10", md())
    assert err.value.refusal is Refusal.OWN_REQUEST


def test_a_second_press_on_the_same_version_is_told_who_decided():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director",)), NOW)
    seen = repo.get(r.id)
    press(repo, r, "manager:M10", md())
    with pytest.raises(ApprovalRefused) as err:
        decide(
            repo, seen, actor="manager:M12", approvers=[md("M12")], decision=Decision.REJECT,
            step=0, version=seen.version, reason="no", now=NOW, dedupe_key="other",
        )  # fmt: skip
    assert err.value.refusal is Refusal.ALREADY_DECIDED
    assert err.value.last.actor == "manager:M10"
    assert len(repo.records) == 1


def test_reject_without_a_reason_is_refused_and_changes_nothing():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director",)), NOW)
    with pytest.raises(ReasonRequired):
        press(repo, r, "manager:M10", md(), Decision.REJECT, reason="  ")
    assert repo.get(r.id).state is State.PENDING
    assert press(repo, r, "manager:M10", md(), Decision.REJECT, "价格过低").request.state is (
        State.REJECTED
    )


def test_returned_request_is_resubmitted_from_the_first_step_or_withdrawn():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director", "admin")), NOW)
    press(repo, r, "manager:M10", md())
    admin = Approver(ManagerCode("M02"), ManagerRole.ADMIN, True)
    assert press(repo, r, "manager:M02", admin, Decision.RETURN, "补充材料").request.state is (
        State.RETURNED
    )
    again = requester_move(
        repo, repo.get(r.id), actor="dealer:D001", decision=Decision.RESUBMIT, reason="",
        now=NOW, dedupe_key="re",
    )  # fmt: skip
    assert (again.request.state, again.request.step) == (State.PENDING, 0)
    with pytest.raises(ApprovalRefused) as err:
        requester_move(
            repo, repo.get(r.id), actor="dealer:D002", decision=Decision.WITHDRAW, reason="",
            now=NOW, dedupe_key="w0",
        )  # fmt: skip
    assert err.value.refusal is Refusal.NOT_REQUESTER
    gone = requester_move(
        repo, repo.get(r.id), actor="dealer:D001", decision=Decision.WITHDRAW, reason="",
        now=NOW, dedupe_key="w1",
    )  # fmt: skip
    assert gone.request.state is State.WITHDRAWN


def test_a_stand_in_decides_for_the_manager_and_is_recorded_as_such():
    repo = FakeApprovals()
    r = submit(repo, new(("manager:M10",)), NOW)
    stand_in = Approver(
        ManagerCode("M10"), ManagerRole.MARKETING_DIRECTOR, True, ManagerCode("M10")
    )
    out = press(repo, r, "manager:M03", stand_in)
    assert out.request.state is State.APPROVED
    assert (out.record.actor, out.record.for_manager) == ("manager:M03", "M10")


def test_a_step_is_reminded_then_escalated_then_expires():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director",)), NOW)
    sla = Sla(hours=48)
    assert sla_due(r, NOW + timedelta(hours=35), sla) is None
    assert sla_due(r, NOW + timedelta(hours=36), sla) is SlaAction.REMIND
    r.reminded_step = 0
    assert sla_due(r, NOW + timedelta(hours=40), sla) is None
    assert sla_due(r, NOW + timedelta(hours=48), sla) is SlaAction.ESCALATE
    r.escalated_step = 0
    assert sla_due(r, NOW + timedelta(hours=60), sla) is None
    assert sla_due(r, NOW + timedelta(hours=96), sla) is SlaAction.EXPIRE
    out = expire(repo, r, NOW + timedelta(hours=96), "approval_sla:expire:1:0")
    assert out.request.state is State.EXPIRED
    assert sla_due(out.request, NOW + timedelta(hours=200), sla) is None


def test_an_escalated_step_may_be_decided_by_an_admin():
    repo = FakeApprovals()
    r = submit(repo, new(("marketing_director",)), NOW)
    admin = Approver(ManagerCode("M02"), ManagerRole.ADMIN, True)
    with pytest.raises(ApprovalRefused):
        press(repo, r, "manager:M02", admin)
    repo.requests[r.id].escalated_step = 0
    assert press(repo, r, "manager:M02", admin).request.state is State.APPROVED


def test_price_exception_chain_adds_the_admin_only_above_the_second_step_gap():
    gap = Decimal("0.15")
    assert exception_chain(Decimal("0.15"), gap) == (StepRule(ManagerRole.MARKETING_DIRECTOR),)
    assert exception_chain(Decimal("0.16"), gap)[-1] == StepRule(ManagerRole.ADMIN)
    assert chain_for(Kind.RENEWAL, {"renewal": ["manager:M09"]}) == (
        StepRule(manager=ManagerCode("M09")),
    )
    with pytest.raises(ValueError):
        StepRule.parse("janitor")
