"""Quiz rules: scoring against the pass mark, and which attempt a contact is on.

Attempts live on the server, per contact: a contact who leaves a quiz half-way and comes
back resumes the same attempt, so only finishing one and starting again makes a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from domain.notices.model import Attempt, Quiz


class QuizError(ValueError):
    """An answer that cannot be taken; `reason` names why (a catalog key's last part)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def passes(correct: int, total: int, pass_mark: int) -> bool:
    """`pass_mark` is a percentage of right answers; reaching it exactly passes."""
    return total > 0 and correct * 100 >= pass_mark * total


def score(quiz: Quiz, answers: Sequence[int]) -> int:
    return sum(1 for q, a in zip(quiz.questions, answers, strict=False) if q.answer == a)


@dataclass(frozen=True, slots=True)
class Resume:
    attempt: Attempt  # unfinished: ask its next question


@dataclass(frozen=True, slots=True)
class Begin:
    number: int  # the attempt to open


@dataclass(frozen=True, slots=True)
class AlreadyPassed:
    attempt: Attempt


def next_attempt(attempts: Sequence[Attempt]) -> Resume | Begin | AlreadyPassed:
    """Where a contact who opens the quiz stands, given their attempts (oldest first)."""
    for a in attempts:
        if a.passed:
            return AlreadyPassed(a)
    for a in attempts:
        if not a.finished:
            return Resume(a)
    return Begin(max((a.number for a in attempts), default=0) + 1)


def answer(
    quiz: Quiz, attempt: Attempt, question: int, choice: int, now: datetime, pass_mark: int
) -> Attempt:
    """`attempt` with `choice` as the answer to question `question` (0-based); the last
    answer finishes and scores it. A press for another question than the one asked (an old
    button, a second tap) or a choice that does not exist raises QuizError."""
    if attempt.finished:
        raise QuizError("finished")
    if question != len(attempt.answers):
        raise QuizError("stale")
    if not 0 <= choice < len(quiz.questions[question].choices):
        raise QuizError("bad_choice")
    answers = (*attempt.answers, choice)
    if len(answers) < len(quiz):
        return replace(attempt, answers=answers)
    correct = score(quiz, answers)
    return replace(
        attempt,
        answers=answers,
        finished_at=now,
        correct=correct,
        passed=passes(correct, len(quiz), pass_mark),
    )
