"""The violation register on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.sales.model import (
    Breach,
    Penalty,
    SaleId,
    Severity,
    Violation,
    ViolationId,
    ViolationStatus,
    ViolationType,
)
from storage.catalog.row_ids import RowIds, id_of, params
from storage.models import DealerRow, ProductRow
from storage.sales.models import SaleRow, ViolationRow

_INSERT_VIOLATION = (
    insert(ViolationRow)
    .values(
        dealer_id=id_of(DealerRow, DealerRow.code, "dealer"),
        **params(
            ViolationRow, "sale_id", "type", "severity", "evidence", "status", "note", "created_at"
        ),
    )
    .returning(ViolationRow.id)
)


def _violation(row: ViolationRow, dealer: str) -> Violation:
    return Violation(
        id=ViolationId(row.id),
        dealer=DealerCode(dealer),
        sale_id=SaleId(row.sale_id) if row.sale_id else None,
        type=ViolationType(row.type),
        severity=Severity(row.severity),
        evidence=dict(row.evidence or {}),
        status=ViolationStatus(row.status),
        created_at=row.created_at,
        penalty=Penalty(row.penalty) if row.penalty else None,
        penalty_amount=row.penalty_amount,
        note=row.note,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


class SqlViolationRepository:
    def __init__(self, session: Session, ids: RowIds | None = None) -> None:
        self.s = session
        self.ids = ids or RowIds(session)

    def _query(self) -> Select:
        return select(ViolationRow, DealerRow.code).join(
            DealerRow, ViolationRow.dealer_id == DealerRow.id
        )

    def add(
        self, dealer: DealerCode, sale_id: SaleId | None, breach: Breach, now: datetime
    ) -> Violation:
        values = {
            "dealer": dealer,
            "sale_id": sale_id,
            "type": breach.type.value,
            "severity": breach.severity.value,
            "evidence": breach.evidence,
            "status": ViolationStatus.OPEN.value,
            "note": "",
            "created_at": now,
        }
        violation_id = self.s.connection().execute(_INSERT_VIOLATION, values).scalar_one()
        return Violation(
            id=ViolationId(violation_id),
            dealer=dealer,
            sale_id=sale_id,
            type=breach.type,
            severity=breach.severity,
            evidence=dict(breach.evidence),
            status=ViolationStatus.OPEN,
            created_at=now,
        )

    def get(self, violation_id: ViolationId) -> Violation | None:
        found = self.s.execute(self._query().where(ViolationRow.id == violation_id)).first()
        return _violation(*found) if found else None

    def list(
        self,
        dealers: Sequence[DealerCode] | None,
        statuses: Sequence[ViolationStatus] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        lines: Sequence[str] | None = None,
        offset: int = 0,
    ) -> list[Violation]:
        q = self._filtered(self._query(), dealers, statuses, lines)
        if start is not None:
            q = q.where(ViolationRow.created_at >= start)
        if end is not None:
            q = q.where(ViolationRow.created_at < end)
        q = q.order_by(ViolationRow.created_at.desc(), ViolationRow.id.desc())
        if offset:
            q = q.offset(offset)
        if limit is not None:
            q = q.limit(limit)
        return [_violation(*r) for r in self.s.execute(q)]

    def count(
        self,
        dealers: Sequence[DealerCode] | None,
        statuses: Sequence[ViolationStatus] | None = None,
        lines: Sequence[str] | None = None,
    ) -> int:
        q = select(func.count(ViolationRow.id)).join(
            DealerRow, ViolationRow.dealer_id == DealerRow.id
        )
        return self.s.scalar(self._filtered(q, dealers, statuses, lines)) or 0

    @staticmethod
    def _filtered(q, dealers, statuses, lines):
        if dealers is not None:  # None: every dealer (an admin's: no list of 10,000 codes)
            q = q.where(DealerRow.code.in_(list(dealers)))
        if lines is not None:  # by the line of the reported product; none: no line to match
            q = (
                q.join(SaleRow, ViolationRow.sale_id == SaleRow.id)
                .join(ProductRow, SaleRow.product_id == ProductRow.id)
                .where(ProductRow.line.in_(list(lines)))
            )
        if statuses is not None:
            q = q.where(ViolationRow.status.in_([s.value for s in statuses]))
        return q

    def for_sale(self, sale_id: SaleId) -> list[Violation]:
        q = self._query().where(ViolationRow.sale_id == sale_id).order_by(ViolationRow.id)
        return [_violation(*r) for r in self.s.execute(q)]

    def for_sales(self, sale_ids: Sequence[SaleId]) -> list[Violation]:
        if not sale_ids:
            return []
        q = (
            self._query()
            .where(ViolationRow.sale_id.in_(list(sale_ids)))
            .order_by(ViolationRow.sale_id, ViolationRow.id)
        )
        return [_violation(*r) for r in self.s.execute(q)]

    def settle_open(self, sale_id: SaleId, status: ViolationStatus) -> int:
        q = (
            update(ViolationRow)
            .where(ViolationRow.sale_id == sale_id, ViolationRow.status == "open")
            .values(status=status.value)
        )
        return self.s.execute(q).rowcount

    def decide(
        self,
        violation_id: ViolationId,
        status: ViolationStatus,
        penalty: Penalty | None,
        note: str,
        decided_by: str | None,
        at: datetime | None,
        amount: Decimal | None = None,
    ) -> Violation:
        row = self.s.get(ViolationRow, violation_id)
        if row is None:
            raise LookupError(violation_id)
        row.status = status.value
        row.penalty = penalty.value if penalty else None
        row.penalty_amount = amount
        row.note = note[:2000]
        row.decided_by = decided_by
        row.decided_at = at
        self.s.flush()
        found = self.get(violation_id)
        assert found is not None
        return found
