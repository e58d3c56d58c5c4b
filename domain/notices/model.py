"""Notices and training materials: what is sent, to whom, by when it must be acknowledged,
and the quiz that may come with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import DealerCode
from domain.promotions.model import Audience


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    choices: tuple[str, ...]
    answer: int  # index of the right choice


@dataclass(frozen=True, slots=True)
class Quiz:
    questions: tuple[Question, ...]

    def __len__(self) -> int:
        return len(self.questions)


@dataclass(frozen=True, slots=True)
class NoticeFile:
    """The attachment; `content` is None when it was not read (a listing, a job: only
    sending it needs the bytes, and they may be megabytes)."""

    filename: str
    mime: str
    content: bytes | None

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    title: str
    body: str
    audience: Audience
    created_by: str  # manager code; the audience is taken within their scope
    ack_by: datetime | None = None  # acknowledged before this instant is on time
    link: str = ""
    file: NoticeFile | None = None
    quiz: Quiz | None = None
    status: NoticeStatus = NoticeStatus.DRAFT
    created_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One contact was queued one notice; `acknowledged_at` is that contact's own press."""

    notice_id: int
    dealer_code: DealerCode
    identity_id: int
    queued_at: datetime
    acknowledged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One contact's go at a notice's quiz, answers in question order; finished when every
    question has an answer."""

    notice_id: int
    identity_id: int
    number: int  # 1 for the contact's first attempt
    answers: tuple[int, ...]
    started_at: datetime
    finished_at: datetime | None = None
    correct: int = 0
    passed: bool = False

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class NoticeRepository(Protocol):
    def add(self, notice: Notice, now: datetime) -> int: ...
    def get(self, notice_id: int, *, content: bool = False) -> Notice | None:
        """The notice; its attachment's bytes only with `content` (every other read of a
        notice leaves them in the database)."""
        ...

    def list(self, limit: int = 20) -> list[Notice]: ...
    def mark_sent(self, notice_id: int, now: datetime) -> None: ...
    def record_deliveries(self, rows: Sequence[tuple[int, DealerCode, int]], now: datetime) -> int:
        """(notice id, dealer, identity id) rows; a contact already recorded is skipped."""
        ...

    def deliveries(self, notice_id: int) -> list[Delivery]: ...
    def deliveries_to(self, identity_ids: Sequence[int]) -> list[Delivery]:
        """Every notice delivery to these contacts, newest first."""
        ...

    def acknowledge(self, notice_id: int, identity_id: int, at: datetime) -> bool:
        """Mark this contact's delivery acknowledged; False when it already was (or none)."""
        ...

    def attempts(self, notice_id: int, identity_id: int | None = None) -> list[Attempt]:
        """The attempts at a notice's quiz (of one contact when given), oldest first."""
        ...

    def start_attempt(self, notice_id: int, identity_id: int, number: int, now: datetime) -> bool:
        """Open attempt `number`; False when that attempt already exists (a racing start)."""
        ...

    def save_answer(self, attempt: Attempt, answered_before: int) -> bool:
        """Store `attempt`'s answers if it still had `answered_before` of them (a second
        press of the same question finds one more and stores nothing); True when stored."""
        ...

    def awaiting(self) -> list[Notice]:
        """Sent notices with an acknowledgement date whose overdue report is not made yet."""
        ...

    def mark_overdue_reported(self, notice_id: int, now: datetime) -> None: ...
    def delivered_between(
        self, dealer: DealerCode | None, start: datetime, end: datetime
    ) -> list[tuple[Notice, Delivery]]:
        """Notices sent in [start, end) with each of their deliveries (to `dealer`'s
        contacts when given)."""
        ...
