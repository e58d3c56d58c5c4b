"""Sales drafted from a sentence or a doubtful report, waiting for the dealer's confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.sales.model import Draft
from storage.catalog.row_ids import RowIds
from storage.models import DealerRow
from storage.sales.models import SaleDraftRow


class SqlDraftRepository:
    def __init__(self, session: Session, ids: RowIds) -> None:
        self.s = session
        self.ids = ids

    def save(self, dealer: DealerCode, data: dict[str, Any], now: datetime) -> Draft:
        row = SaleDraftRow(dealer_id=self.ids.dealer(dealer), data=data, created_at=now)
        self.s.add(row)
        self.s.flush()
        return Draft(row.id, dealer, dict(data), now)

    def get(self, draft_id: int) -> Draft | None:
        found = self.s.execute(
            select(SaleDraftRow, DealerRow.code)
            .join(DealerRow, SaleDraftRow.dealer_id == DealerRow.id)
            .where(SaleDraftRow.id == draft_id)
        ).first()
        if found is None:
            return None
        row, code = found
        return Draft(row.id, DealerCode(code), dict(row.data), row.created_at)

    def recent(self, dealer: DealerCode, since: datetime) -> list[Draft]:
        rows = self.s.scalars(
            select(SaleDraftRow)
            .join(DealerRow, SaleDraftRow.dealer_id == DealerRow.id)
            .where(DealerRow.code == dealer, SaleDraftRow.created_at >= since)
            .order_by(SaleDraftRow.id.desc())
        )
        return [Draft(r.id, dealer, dict(r.data), r.created_at) for r in rows]

    def update(self, draft_id: int, data: dict[str, Any]) -> None:
        row = self.s.get(SaleDraftRow, draft_id)
        if row is not None:
            row.data = dict(data)
