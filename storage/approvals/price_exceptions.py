"""Price exceptions as the managers see them: listed, shown, revoked, their units counted.

The rows are `storage.sales.models.PriceExceptionRow` (the price check reads them there);
this module adds what an exception granted through an approval has: a quantity cap, the
request it came from, a revocation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from domain.approvals.model import ExceptionView
from domain.catalog.model import DealerCode, Sku
from domain.sales.model import PriceException, ViolationType
from storage.catalog.row_ids import RowIds
from storage.models import DealerRow, PriceRow, ProductRow
from storage.sales.models import PriceExceptionRow, SaleRow, ViolationRow

PRICE_TYPES = (
    ViolationType.PRICE_BELOW_TERMINAL_FLOOR.value,
    ViolationType.PRICE_BELOW_BID_FLOOR.value,
)


def units_sold_under(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Units of confirmed sales made under each exception: the dealer's sales of the product
    in its dates, reported after it was granted, at or above its price and under the floor,
    that no price violation was recorded for (those were past its cap)."""
    if not ids:
        return {}
    floor = case(
        (SaleRow.kind == "tender", PriceRow.min_bid_price), else_=PriceRow.min_terminal_price
    )
    e = PriceExceptionRow
    rows = session.execute(
        select(e.id, func.coalesce(func.sum(SaleRow.qty), 0))
        .join(
            SaleRow,
            and_(
                SaleRow.product_id == e.product_id,
                SaleRow.dealer_id == e.dealer_id,
                SaleRow.status == "confirmed",
                SaleRow.sold_on >= e.valid_from,
                or_(e.valid_to.is_(None), SaleRow.sold_on <= e.valid_to),
                SaleRow.created_at >= e.created_at,
                SaleRow.unit_price >= e.min_price,
            ),
        )
        .join(
            PriceRow,
            and_(
                PriceRow.product_id == SaleRow.product_id,
                PriceRow.valid_from <= SaleRow.sold_on,
                or_(PriceRow.valid_to.is_(None), SaleRow.sold_on <= PriceRow.valid_to),
            ),
        )
        .where(e.id.in_(list(ids)), SaleRow.unit_price < floor)
        .where(
            ~exists().where(
                ViolationRow.sale_id == SaleRow.id,
                ViolationRow.type.in_(PRICE_TYPES),
            )
        )
        .group_by(e.id)
    )
    return {i: int(n) for i, n in rows}


class SqlPriceExceptionRepository:
    def __init__(self, session: Session, ids: RowIds) -> None:
        self.s = session
        self.ids = ids

    def add(
        self,
        exception: PriceException,
        now: datetime,
        *,
        request_id: int | None = None,
        reason: str = "",
    ) -> int:
        row = PriceExceptionRow(
            dealer_id=self.ids.dealer(exception.dealer) if exception.dealer else None,
            product_id=self.ids.product(exception.sku),
            min_price=exception.min_price,
            valid_from=exception.validity.valid_from,
            valid_to=exception.validity.valid_to,
            approved_by=exception.approved_by,
            created_at=now,
            qty_cap=exception.qty_cap,
            terminal_code=exception.terminal,
            request_id=request_id,
            reason=reason or None,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def _views(self, q) -> list[ExceptionView]:
        rows = self.s.execute(q).all()
        used = units_sold_under(self.s, [r.id for r, _, _ in rows if r.qty_cap is not None])
        return [
            ExceptionView(
                r.id,
                Sku(sku),
                DealerCode(code) if code else None,
                r.min_price,
                r.valid_from,
                r.valid_to,
                r.qty_cap,
                used.get(r.id, 0),
                r.approved_by,
                r.created_at,
                r.request_id,
                r.reason or "",
                r.revoked_at,
                r.revoked_by,
            )
            for r, sku, code in rows
        ]

    def _select(self):
        return (
            select(PriceExceptionRow, ProductRow.sku, DealerRow.code)
            .join(ProductRow, PriceExceptionRow.product_id == ProductRow.id)
            .outerjoin(DealerRow, PriceExceptionRow.dealer_id == DealerRow.id)
        )

    def get(self, exception_id: int) -> ExceptionView | None:
        found = self._views(self._select().where(PriceExceptionRow.id == exception_id))
        return found[0] if found else None

    def listed(
        self,
        dealers: Sequence[DealerCode] | None = None,
        sku: Sku | None = None,
        limit: int = 50,
    ) -> list[ExceptionView]:
        """Newest first; `dealers` None: every dealer's and those for all dealers."""
        q = self._select()
        if dealers is not None:
            q = q.where(
                or_(DealerRow.code.in_(list(dealers)), PriceExceptionRow.dealer_id.is_(None))
            )
        if sku is not None:
            q = q.where(ProductRow.sku == sku)
        return self._views(q.order_by(PriceExceptionRow.id.desc()).limit(limit))

    def revoke(self, exception_id: int, by: str, now: datetime) -> bool:
        row = self.s.get(PriceExceptionRow, exception_id, with_for_update=True)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at, row.revoked_by = now, by
        self.s.flush()
        return True
