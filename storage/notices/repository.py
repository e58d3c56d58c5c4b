"""Notices in SQL: the notice with its attachment and quiz, deliveries acknowledged once by a
conditional UPDATE, quiz answers stored by compare-and-set on the count answered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer

from domain.catalog.model import DealerCode, ProductLine, RegionCode
from domain.notices.model import (
    Attempt,
    Delivery,
    Notice,
    NoticeFile,
    NoticeStatus,
    Question,
    Quiz,
)
from domain.promotions.model import Audience
from storage.dialects import insert_for
from storage.notices.models import NoticeAttemptRow, NoticeDeliveryRow, NoticeRow


def _quiz_of(data: list | None) -> Quiz | None:
    if not data:
        return None
    return Quiz(tuple(Question(q["q"], tuple(q["choices"]), int(q["answer"])) for q in data))


# Every read but `get(..., content=True)` leaves the attachment's bytes unread.
LIGHT = defer(NoticeRow.file_content)


def _notice(row: NoticeRow, *, content: bool = False) -> Notice:
    file = None
    if row.file_name:
        file = NoticeFile(row.file_name, row.file_mime, row.file_content if content else None)
    return Notice(
        id=row.id,
        title=row.title,
        body=row.body,
        audience=Audience(
            tuple(ProductLine(x) for x in row.lines or []),
            tuple(RegionCode(x) for x in row.regions or []),
            tuple(row.tiers or []),
        ),
        created_by=row.created_by,
        ack_by=row.ack_by,
        link=row.link,
        file=file,
        quiz=_quiz_of(row.quiz),
        status=NoticeStatus(row.status),
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def _delivery(row: NoticeDeliveryRow) -> Delivery:
    return Delivery(
        row.notice_id, DealerCode(row.dealer_code), row.identity_id, row.queued_at,
        row.acknowledged_at,
    )  # fmt: skip


def _attempt(row: NoticeAttemptRow) -> Attempt:
    return Attempt(
        row.notice_id,
        row.identity_id,
        row.number,
        tuple(row.answers or ()),
        row.started_at,
        row.finished_at,
        row.correct,
        row.passed,
    )


class SqlNoticeRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _insert(self):
        return insert_for(self.s)

    def add(self, notice: Notice, now: datetime) -> int:
        quiz = None
        if notice.quiz is not None:
            quiz = [
                {"q": q.text, "choices": list(q.choices), "answer": q.answer}
                for q in notice.quiz.questions
            ]
        row = NoticeRow(
            title=notice.title,
            body=notice.body,
            lines=list(notice.audience.lines),
            regions=list(notice.audience.regions),
            tiers=list(notice.audience.tiers),
            ack_by=notice.ack_by,
            link=notice.link,
            file_name=notice.file.filename if notice.file else "",
            file_mime=notice.file.mime if notice.file else "",
            file_content=notice.file.content if notice.file else None,
            quiz=quiz,
            status=notice.status.value,
            created_by=notice.created_by,
            created_at=now,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, notice_id: int, *, content: bool = False) -> Notice | None:
        row = self.s.get(NoticeRow, notice_id, options=() if content else (LIGHT,))
        return _notice(row, content=content) if row else None

    def list(self, limit: int = 20) -> list[Notice]:
        rows = self.s.scalars(
            select(NoticeRow).options(LIGHT).order_by(NoticeRow.id.desc()).limit(limit)
        )
        return [_notice(r) for r in rows]

    def mark_sent(self, notice_id: int, now: datetime) -> None:
        self.s.execute(
            update(NoticeRow)
            .where(NoticeRow.id == notice_id, NoticeRow.sent_at.is_(None))
            .values(status=NoticeStatus.SENT.value, sent_at=now)
        )

    def record_deliveries(self, rows: Sequence[tuple[int, DealerCode, int]], now: datetime) -> int:
        values = [
            {"notice_id": n, "dealer_code": d, "identity_id": i, "queued_at": now}
            for n, d, i in rows
        ]
        stored = 0
        for start in range(0, len(values), 500):
            result = self.s.execute(
                self._insert()(NoticeDeliveryRow)
                .values(values[start : start + 500])
                .on_conflict_do_nothing(index_elements=["notice_id", "identity_id"])
                .returning(NoticeDeliveryRow.id)
            )
            stored += len(result.all())  # rowcount is not reliable for multi-row inserts
        return stored

    def deliveries(self, notice_id: int) -> list[Delivery]:
        rows = self.s.scalars(
            select(NoticeDeliveryRow)
            .where(NoticeDeliveryRow.notice_id == notice_id)
            .order_by(NoticeDeliveryRow.dealer_code, NoticeDeliveryRow.id)
        )
        return [_delivery(r) for r in rows]

    def deliveries_to(self, identity_ids: Sequence[int]) -> list[Delivery]:
        rows = self.s.scalars(
            select(NoticeDeliveryRow)
            .where(NoticeDeliveryRow.identity_id.in_(list(identity_ids)))
            .order_by(NoticeDeliveryRow.notice_id.desc())
        )
        return [_delivery(r) for r in rows]

    def acknowledge(self, notice_id: int, identity_id: int, at: datetime) -> bool:
        changed = self.s.execute(
            update(NoticeDeliveryRow)
            .where(
                NoticeDeliveryRow.notice_id == notice_id,
                NoticeDeliveryRow.identity_id == identity_id,
                NoticeDeliveryRow.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=at)
        ).rowcount
        return changed == 1

    def attempts(self, notice_id: int, identity_id: int | None = None) -> list[Attempt]:
        q = select(NoticeAttemptRow).where(NoticeAttemptRow.notice_id == notice_id)
        if identity_id is not None:
            q = q.where(NoticeAttemptRow.identity_id == identity_id)
        rows = self.s.scalars(q.order_by(NoticeAttemptRow.identity_id, NoticeAttemptRow.number))
        return [_attempt(r) for r in rows]

    def start_attempt(self, notice_id: int, identity_id: int, number: int, now: datetime) -> bool:
        result = self.s.execute(
            self._insert()(NoticeAttemptRow)
            .values(
                notice_id=notice_id,
                identity_id=identity_id,
                number=number,
                answers=[],
                answered=0,
                started_at=now,
                correct=0,
                passed=False,
            )
            .on_conflict_do_nothing(index_elements=["notice_id", "identity_id", "number"])
            .returning(NoticeAttemptRow.id)
        )
        return len(result.all()) == 1

    def save_answer(self, attempt: Attempt, answered_before: int) -> bool:
        changed = self.s.execute(
            update(NoticeAttemptRow)
            .where(
                NoticeAttemptRow.notice_id == attempt.notice_id,
                NoticeAttemptRow.identity_id == attempt.identity_id,
                NoticeAttemptRow.number == attempt.number,
                NoticeAttemptRow.answered == answered_before,
            )
            .values(
                answers=list(attempt.answers),
                answered=len(attempt.answers),
                finished_at=attempt.finished_at,
                correct=attempt.correct,
                passed=attempt.passed,
            )
        ).rowcount
        return changed == 1

    def awaiting(self) -> list[Notice]:
        rows = self.s.scalars(
            select(NoticeRow)
            .options(LIGHT)
            .where(
                NoticeRow.status == NoticeStatus.SENT.value,
                NoticeRow.ack_by.is_not(None),
                NoticeRow.overdue_reported_at.is_(None),
            )
            .order_by(NoticeRow.id)
        )
        return [_notice(r) for r in rows]

    def mark_overdue_reported(self, notice_id: int, now: datetime) -> None:
        self.s.execute(
            update(NoticeRow)
            .where(NoticeRow.id == notice_id, NoticeRow.overdue_reported_at.is_(None))
            .values(overdue_reported_at=now)
        )

    def delivered_between(
        self, dealer: DealerCode | None, start: datetime, end: datetime
    ) -> list[tuple[Notice, Delivery]]:
        q = (
            select(NoticeRow, NoticeDeliveryRow)
            .options(LIGHT)
            .join(NoticeDeliveryRow, NoticeDeliveryRow.notice_id == NoticeRow.id)
            .where(NoticeRow.sent_at >= start, NoticeRow.sent_at < end)
            .order_by(NoticeRow.id, NoticeDeliveryRow.dealer_code, NoticeDeliveryRow.id)
        )
        if dealer is not None:
            q = q.where(NoticeDeliveryRow.dealer_code == dealer)
        notices: dict[int, Notice] = {}
        out = []
        for n, d in self.s.execute(q):
            notice = notices.setdefault(n.id, _notice(n))
            out.append((notice, _delivery(d)))
        return out
