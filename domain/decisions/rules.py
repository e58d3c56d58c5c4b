"""Who may take a decision back, and how: the author within the window, an admin with a
reason at any time."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from domain.decisions.model import Act, DecisionRecord


class Refusal(StrEnum):
    ALREADY_REVERSED = "already_reversed"
    NOT_AUTHOR = "not_author"
    WINDOW_PASSED = "window_passed"
    REASON_NEEDED = "reason_needed"


def undo_deadline(decision: DecisionRecord, window: timedelta) -> datetime:
    """The last instant its author may undo it (the window's end is still inside)."""
    return decision.at + window


def reversal(
    decision: DecisionRecord,
    *,
    reversed_already: bool,
    by: str,
    admin: bool,
    reason: str,
    now: datetime,
    window: timedelta,
) -> Act | Refusal:
    """How `by` may take `decision` back now, or why not. A window of zero: only admins."""
    if reversed_already:
        return Refusal.ALREADY_REVERSED
    if by == decision.author and window > timedelta(0) and now <= undo_deadline(decision, window):
        return Act.UNDO
    if admin:
        return Act.REOPEN if reason.strip() else Refusal.REASON_NEEDED
    if by == decision.author:
        return Refusal.WINDOW_PASSED
    return Refusal.NOT_AUTHOR
