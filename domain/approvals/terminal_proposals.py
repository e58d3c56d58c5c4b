"""A terminal the catalog lacks, proposed by a dealer whose sale waits for it.

The proposal is a `terminal_proposal` request on the approval engine (its chain by default
the region's regional director). Its payload carries the proposed terminal and the draft
sale waiting for it; approving it adds the terminal under a code made from the request's
number, so a later import of the customer's own codes cannot overwrite it by accident.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from domain.approvals.model import ApprovalRepository, Kind, NewRequest, Request, State
from domain.approvals.rules import chain_for
from domain.approvals.services import submit
from domain.catalog.model import DealerCode, RegionCode, Terminal, TerminalCode

MAX_NAME = 200
MAX_ADDRESS = 200
CODE_PREFIX = "TP-"


class TerminalKind(StrEnum):
    HOSPITAL = "hospital"
    CLINIC = "clinic"
    PHARMACY = "pharmacy"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TerminalProposal:
    name: str
    address: str
    region: RegionCode
    kind: TerminalKind

    def to_payload(self) -> dict[str, str]:
        return {
            "name": self.name,
            "address": self.address,
            "region": self.region,
            "terminal_kind": self.kind.value,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> TerminalProposal:
        return cls(
            payload["name"],
            payload.get("address", ""),
            RegionCode(payload["region"]),
            TerminalKind(payload.get("terminal_kind", TerminalKind.OTHER.value)),
        )


class TerminalCatalog(Protocol):
    """What approving a proposal needs of the catalog."""

    def terminal(self, code: TerminalCode) -> Terminal | None: ...
    def add_terminal(self, terminal: Terminal) -> None:
        """Store a new terminal as an import of that one row would."""
        ...


def same_name(a: str, b: str) -> bool:
    """Width, case and spaces do not make a different terminal."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    return norm(a) == norm(b)


def proposed_code(request: Request) -> TerminalCode:
    return TerminalCode(f"{CODE_PREFIX}{request.id:05d}")


def pending_same(requests: Iterable[Request], name: str) -> Request | None:
    """The requester's proposal of this name still open (pending or returned), if any."""
    for request in requests:
        if (
            request.kind is Kind.TERMINAL_PROPOSAL
            and request.state in (State.PENDING, State.RETURNED)
            and same_name(request.payload.get("name", ""), name)
        ):
            return request
    return None


@dataclass(frozen=True, slots=True)
class Proposed:
    request: Request
    opened: bool  # False: the same proposal was already open, and is returned instead


def propose(
    repo: ApprovalRepository,
    proposal: TerminalProposal,
    *,
    dealer: DealerCode,
    requester: str,
    now: datetime,
    configured: Mapping[str, Sequence[str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Proposed:
    """Open the proposal, unless the requester has one of the same name open already."""
    already = pending_same(repo.of_requester(requester, limit=200), proposal.name)
    if already is not None:
        return Proposed(already, opened=False)
    subject = f"{proposal.name} · {proposal.region} ({dealer})"
    payload = {**(extra or {}), **proposal.to_payload()}
    new = NewRequest(
        Kind.TERMINAL_PROPOSAL,
        subject,
        dealer,
        requester,
        chain_for(Kind.TERMINAL_PROPOSAL, configured),
        payload,
    )
    return Proposed(submit(repo, new, now), opened=True)


def add_proposed_terminal(catalog: TerminalCatalog, request: Request) -> Terminal:
    """The approved proposal's terminal, added once (a second call finds it)."""
    proposal = TerminalProposal.from_payload(request.payload)
    code = proposed_code(request)
    existing = catalog.terminal(code)
    if existing is not None:
        return existing
    terminal = Terminal(code, proposal.name, proposal.region)
    catalog.add_terminal(terminal)
    return terminal
