"""A decision's record and the repository that appends them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class DecisionKind(StrEnum):
    """What was decided. Confiscating a deposit and cancelling a dealership join here."""

    VIOLATION_DISMISS = "violation_dismiss"
    VIOLATION_PENALTY = "violation_penalty"  # recording confiscation or cancellation
    PRICE_EXCEPTION = "price_exception"
    BROADCAST = "broadcast"


class Act(StrEnum):
    DECIDE = "decide"
    UNDO = "undo"  # by its author, within the undo window
    REOPEN = "reopen"  # by an admin, with a reason, at any time


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One line of the decision log: who did what to which subject, when and why.

    `data` keeps what taking the decision back needs (the violation's status before it);
    `reverses` names the decision an undo or reopen takes back."""

    id: int
    kind: DecisionKind
    subject: str
    act: Act
    author: str
    at: datetime
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    reverses: int | None = None


@dataclass(frozen=True, slots=True)
class NewDecision:
    kind: DecisionKind
    subject: str
    author: str
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class DecisionRepository(Protocol):
    """The append-only decision log."""

    def add(self, decision: NewDecision, at: datetime) -> DecisionRecord: ...

    def reverse(
        self, decision: DecisionRecord, act: Act, author: str, reason: str, at: datetime
    ) -> DecisionRecord | None:
        """Append the undo or reopen of `decision`; None if it was already taken back
        (a decision is taken back once: the database holds it unique)."""
        ...

    def get(self, decision_id: int) -> DecisionRecord | None: ...

    def reversal_of(self, decision_id: int) -> DecisionRecord | None: ...

    def history(self, kind: DecisionKind, subject: str) -> Sequence[DecisionRecord]:
        """Every decision on `subject` and every undo or reopen of them, oldest first."""
        ...
