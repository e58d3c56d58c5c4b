"""Proposing a terminal the catalog lacks, over in-memory fakes: one open proposal per name
and dealer, decided on the engine, and the approved terminal added once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

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
from domain.approvals.services import decide
from domain.approvals.terminal_proposals import (
    TerminalKind,
    TerminalProposal,
    add_proposed_terminal,
    propose,
    proposed_code,
)
from domain.catalog.model import DealerCode, ManagerCode, ManagerRole, RegionCode
from tests.fakes import FakeCatalog, Store

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
DIRECTOR = Approver(ManagerCode("M07"), ManagerRole.REGIONAL_DIRECTOR, in_scope=True)


class FakeApprovals:
    """The parts of the approval repository port the proposal flow uses."""

    def __init__(self) -> None:
        self.requests: dict[int, Request] = {}
        self.records: list[DecisionRecord] = []

    def add(self, new: NewRequest, now: datetime) -> Request:
        rid = RequestId(len(self.requests) + 1)
        request = Request(
            rid, new.kind, new.subject, new.dealer, new.requester, dict(new.payload),
            new.chain, 0, State.PENDING, 1, now, now,
        )  # fmt: skip
        self.requests[rid] = request
        return request

    def get(self, request_id: RequestId) -> Request | None:
        return self.requests.get(request_id)

    def advance(self, request, record, dedupe_key, *, step, state) -> Request:
        current = self.requests[request.id]
        if current.version != record.version:
            raise DecisionTaken()
        after = replace(current, step=step, state=state, version=current.version + 1)
        self.requests[request.id] = after
        self.records.append(record)
        return after

    def last_decision(self, request_id):
        return next((r for r in reversed(self.records) if r.request_id == request_id), None)

    def of_requester(self, requester: str, limit: int = 30) -> list[Request]:
        found = [r for r in self.requests.values() if r.requester == requester]
        return sorted(found, key=lambda r: -r.id)[:limit]


def hospital(name: str = "成都市第三人民医院", region: str = "SC") -> TerminalProposal:
    return TerminalProposal(name, "武侯区一环路 1 号", RegionCode(region), TerminalKind.HOSPITAL)


def open_one(repo: FakeApprovals, proposal: TerminalProposal, **kw):
    return propose(
        repo, proposal, dealer=DealerCode("D001"), requester="dealer:D001", now=NOW, **kw
    )


def director_decides(repo: FakeApprovals, request: Request, decision: Decision, reason=""):
    return decide(
        repo,
        request,
        actor="manager:M07",
        approvers=[DIRECTOR],
        decision=decision,
        step=request.step,
        version=request.version,
        reason=reason,
        now=NOW,
        dedupe_key=f"press:{request.id}:{decision}",
    ).request


@pytest.fixture
def catalog() -> FakeCatalog:
    store = Store(regions={RegionCode("CN"): ("中国", None), RegionCode("SC"): ("四川", "CN")})
    return FakeCatalog(store)


def test_a_proposal_goes_to_the_regional_director_with_its_terminal_in_the_payload():
    repo = FakeApprovals()
    proposed = open_one(repo, hospital(), extra={"draft": 7})
    request = proposed.request
    assert proposed.opened and request.kind is Kind.TERMINAL_PROPOSAL
    assert request.chain == (StepRule(role=ManagerRole.REGIONAL_DIRECTOR),)
    assert TerminalProposal.from_payload(request.payload) == hospital()
    assert request.payload["draft"] == 7


def test_the_configured_chain_replaces_the_default():
    repo = FakeApprovals()
    configured = {"terminal_proposal": ("sales_manager", "manager:M02")}
    request = open_one(repo, hospital(), configured=configured).request
    assert [str(rule) for rule in request.chain] == ["sales_manager", "manager:M02"]


def test_the_same_name_while_one_is_open_returns_the_open_one_instead_of_a_second():
    repo = FakeApprovals()
    first = open_one(repo, hospital()).request
    again = open_one(repo, hospital("成都市 第三人民医院"))  # a space does not make it new
    assert not again.opened and again.request.id == first.id
    assert len(repo.requests) == 1
    assert open_one(repo, hospital("成都市第五人民医院")).opened


def test_after_a_rejection_the_same_name_may_be_proposed_again():
    repo = FakeApprovals()
    first = open_one(repo, hospital()).request
    director_decides(repo, first, Decision.REJECT, "名称有误")
    assert open_one(repo, hospital()).opened


def test_an_approved_proposal_adds_its_terminal_once_under_a_code_of_its_number(catalog):
    repo = FakeApprovals()
    request = director_decides(repo, open_one(repo, hospital()).request, Decision.APPROVE)
    assert request.state is State.APPROVED
    added = add_proposed_terminal(catalog, request)
    assert added.code == proposed_code(request) == "TP-00001"
    assert catalog.terminal(added.code) == added and added.region_code == "SC"
    assert add_proposed_terminal(catalog, request) == added
    assert len(catalog.terminals()) == 1


def test_a_proposed_region_the_catalog_lacks_is_refused_when_adding(catalog):
    repo = FakeApprovals()
    request = open_one(repo, hospital(region="XZ")).request
    with pytest.raises(ValueError):
        add_proposed_terminal(catalog, request)
    assert catalog.terminals() == []
