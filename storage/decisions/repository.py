"""The decision log on SQLAlchemy: appended to, never updated."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.decisions.model import Act, DecisionKind, DecisionRecord, NewDecision
from storage.decisions.models import DecisionRow


def _record(row: DecisionRow) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        kind=DecisionKind(row.kind),
        subject=row.subject,
        act=Act(row.act),
        author=row.author,
        at=row.at,
        reason=row.reason,
        data=dict(row.data or {}),
        reverses=row.reverses,
    )


class SqlDecisionRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _append(self, row: DecisionRow) -> DecisionRecord:
        self.s.add(row)
        self.s.flush()
        return _record(row)

    def add(self, decision: NewDecision, at: datetime) -> DecisionRecord:
        return self._append(
            DecisionRow(
                kind=decision.kind.value,
                subject=decision.subject[:80],
                act=Act.DECIDE.value,
                author=decision.author,
                at=at,
                reason=decision.reason[:2000],
                data=decision.data,
            )
        )

    def reverse(
        self, decision: DecisionRecord, act: Act, author: str, reason: str, at: datetime
    ) -> DecisionRecord | None:
        row = DecisionRow(
            kind=decision.kind.value,
            subject=decision.subject,
            act=act.value,
            author=author,
            at=at,
            reason=reason[:2000],
            data={},
            reverses=decision.id,
        )
        try:
            with self.s.begin_nested():
                return self._append(row)
        except IntegrityError:
            return None

    def get(self, decision_id: int) -> DecisionRecord | None:
        row = self.s.get(DecisionRow, decision_id)
        return _record(row) if row else None

    def reversal_of(self, decision_id: int) -> DecisionRecord | None:
        row = self.s.scalars(select(DecisionRow).where(DecisionRow.reverses == decision_id)).first()
        return _record(row) if row else None

    def history(self, kind: DecisionKind, subject: str) -> list[DecisionRecord]:
        q = (
            select(DecisionRow)
            .where(DecisionRow.kind == kind.value, DecisionRow.subject == subject)
            .order_by(DecisionRow.id)
        )
        return [_record(r) for r in self.s.scalars(q)]
