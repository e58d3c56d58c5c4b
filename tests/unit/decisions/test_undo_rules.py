"""Who may take a decision back: its author within the window (its last instant included),
an admin with a reason at any time, nobody twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.decisions.model import Act, DecisionKind, DecisionRecord
from domain.decisions.rules import Refusal, reversal, undo_deadline

AT = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)
DISMISSAL = DecisionRecord(1, DecisionKind.VIOLATION_DISMISS, "7", Act.DECIDE, "manager:M01", AT)


def take_back(by="manager:M01", *, after=timedelta(), admin=False, reason="", again=False):
    return reversal(
        DISMISSAL,
        reversed_already=again,
        by=by,
        admin=admin,
        reason=reason,
        now=AT + after,
        window=WINDOW,
    )


def test_the_author_undoes_a_decision_at_exactly_the_end_of_the_window():
    assert undo_deadline(DISMISSAL, WINDOW) == AT + WINDOW
    assert take_back(after=WINDOW) is Act.UNDO


def test_the_author_is_refused_one_second_after_the_window():
    assert take_back(after=WINDOW + timedelta(seconds=1)) is Refusal.WINDOW_PASSED


def test_another_manager_is_refused_even_inside_the_window():
    assert take_back("manager:M05", after=timedelta(minutes=1)) is Refusal.NOT_AUTHOR


def test_an_admin_reopens_after_the_window_with_a_reason():
    assert take_back("manager:M02", after=timedelta(days=3), admin=True, reason="证据不足") is (
        Act.REOPEN
    )


def test_an_admin_without_a_reason_is_asked_for_one():
    assert take_back("manager:M02", after=timedelta(days=3), admin=True, reason=" ") is (
        Refusal.REASON_NEEDED
    )


def test_an_admin_author_inside_the_window_undoes_without_a_reason():
    own = DecisionRecord(2, DecisionKind.BROADCAST, "3", Act.DECIDE, "manager:M02", AT)
    how = reversal(
        own, reversed_already=False, by="manager:M02", admin=True, reason="", now=AT, window=WINDOW
    )
    assert how is Act.UNDO


def test_a_decision_taken_back_once_is_never_taken_back_again():
    assert take_back(again=True) is Refusal.ALREADY_REVERSED
    assert take_back("manager:M02", admin=True, reason="x", again=True) is (
        Refusal.ALREADY_REVERSED
    )


def test_with_no_window_only_an_admin_takes_a_decision_back():
    how = reversal(
        DISMISSAL,
        reversed_already=False,
        by="manager:M01",
        admin=False,
        reason="",
        now=AT,
        window=timedelta(0),
    )
    assert how is Refusal.WINDOW_PASSED
