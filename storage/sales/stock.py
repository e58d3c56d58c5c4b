"""The dealers' stock reports: one level per dealer, product and day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, func, select
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

    def latest_levels(
        self,
        dealers: Sequence[DealerCode] | None,
        lines: Sequence[str] | None = None,
        on_or_before: date | None = None,
    ) -> list[StockLevel]:
        # The newest day per dealer and product is found in SQL (the unique index on
        # dealer, product and day serves it): no dealer's history is loaded.
        newest = select(
            StockRow.dealer_id, StockRow.product_id, func.max(StockRow.as_of).label("as_of")
        )
        if dealers is not None:
            codes = select(DealerRow.id).where(DealerRow.code.in_(list(dealers)))
            newest = newest.where(StockRow.dealer_id.in_(codes))
        if on_or_before is not None:
            newest = newest.where(StockRow.as_of <= on_or_before)
        newest = newest.group_by(StockRow.dealer_id, StockRow.product_id).subquery()
        q = (
            select(DealerRow.code, ProductRow.sku, StockRow.qty, StockRow.as_of)
            .join(
                newest,
                and_(
                    StockRow.dealer_id == newest.c.dealer_id,
                    StockRow.product_id == newest.c.product_id,
                    StockRow.as_of == newest.c.as_of,
                ),
            )
            .join(DealerRow, StockRow.dealer_id == DealerRow.id)
            .join(ProductRow, StockRow.product_id == ProductRow.id)
            .order_by(DealerRow.code, ProductRow.sku)
        )
        if lines is not None:
            q = q.where(ProductRow.line.in_(list(lines)))
        return [
            StockLevel(DealerCode(code), Sku(sku), qty, as_of)
            for code, sku, qty, as_of in self.s.execute(q)
        ]
