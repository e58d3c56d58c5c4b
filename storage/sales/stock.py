"""The dealers' stock reports: one level per dealer, product and day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, Sku
from domain.sales.model import StockLevel
from storage.catalog.row_ids import RowIds
from storage.models import DealerRow, ProductRow
from storage.sales.models import StockRow


class SqlStockRepository:
    def __init__(self, session: Session, ids: RowIds) -> None:
        self.s = session
        self.ids = ids

    def record(self, level: StockLevel, reported_by: int | None, now: datetime) -> None:
        dealer_id, product_id = self.ids.dealer(level.dealer), self.ids.product(level.sku)
        row = self.s.scalar(
            select(StockRow).where(
                StockRow.dealer_id == dealer_id,
                StockRow.product_id == product_id,
                StockRow.as_of == level.as_of,
            )
        )
        if row is None:
            row = StockRow(dealer_id=dealer_id, product_id=product_id, as_of=level.as_of)
            self.s.add(row)
        row.qty = level.qty
        row.reported_by = reported_by
        row.created_at = now
        self.s.flush()

    def latest(self, dealer: DealerCode) -> list[StockLevel]:
        rows = self.s.execute(
            select(StockRow.qty, StockRow.as_of, ProductRow.sku)
            .join(ProductRow, StockRow.product_id == ProductRow.id)
            .join(DealerRow, StockRow.dealer_id == DealerRow.id)
            .where(DealerRow.code == dealer)
            .order_by(ProductRow.sku, StockRow.as_of)
        )
        latest: dict[str, StockLevel] = {}
        for qty, as_of, sku in rows:
            latest[sku] = StockLevel(dealer, Sku(sku), qty, as_of)
        return list(latest.values())
