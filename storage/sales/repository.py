"""Sales, stock, price exceptions and drafts on SQLAlchemy (violations: violations.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, Sku, TerminalCode
from domain.sales.model import (
    DuplicateSale,
    Sale,
    SaleDraft,
    SaleId,
    SaleKind,
    SaleStatus,
)
from domain.shared.money import multiply
from storage.catalog.row_ids import RowIds, id_of, params
from storage.dialects import PerDialect, dialect_insert
from storage.models import DealerRow, ProductRow, TerminalRow
from storage.prepared import Prepared
from storage.sales.models import (
    SaleRow,
)
from storage.sales.monthly import add_to_month
from storage.sales.sale_facts import load_sale_facts

_ID_BY_KEY = select(SaleRow.id).where(SaleRow.dedupe_key == bindparam("key"))


def _insert_sale(make):
    """The hot path of every report: one INSERT with the codes looked up inside.

    A dedupe key stored before (a redelivery, a double tap, a concurrent worker that won)
    inserts nothing and returns no row, and the transaction stays usable: no savepoint.
    """
    return (
        make(SaleRow)
        .values(
            dealer_id=id_of(DealerRow, DealerRow.code, "dealer"),
            product_id=id_of(ProductRow, ProductRow.sku, "sku"),
            terminal_id=id_of(TerminalRow, TerminalRow.code, "terminal"),
            **params(
                SaleRow,
                "qty",
                "unit_price",
                "amount",
                "kind",
                "sold_on",
                "status",
                "reported_by",
                "created_at",
                "dedupe_key",
                "corrects_id",
                "source_text",
            ),
        )
        .on_conflict_do_nothing(index_elements=[SaleRow.dedupe_key])
        .returning(SaleRow.id, SaleRow.dealer_id)
    )


_INSERT_SALE = PerDialect(lambda name: Prepared(_insert_sale(dialect_insert(name))))


_SALE_COLUMNS = (
    SaleRow.id,
    SaleRow.qty,
    SaleRow.unit_price,
    SaleRow.amount,
    SaleRow.kind,
    SaleRow.sold_on,
    SaleRow.status,
    SaleRow.reported_by,
    SaleRow.created_at,
    SaleRow.dedupe_key,
    SaleRow.corrects_id,
    SaleRow.source_text,
)


def _sales_query() -> Select:
    # Columns, not SaleRow entities: an export reads 86,000 sales without the identity map.
    return (
        select(
            *_SALE_COLUMNS,
            DealerRow.code.label("dealer_code"),
            ProductRow.sku,
            TerminalRow.code.label("terminal_code"),
        )
        .join(DealerRow, SaleRow.dealer_id == DealerRow.id)
        .join(ProductRow, SaleRow.product_id == ProductRow.id)
        .join(TerminalRow, SaleRow.terminal_id == TerminalRow.id)
    )


def _sale(row) -> Sale:
    """A Sale from a row of `_sales_query`."""
    return Sale(
        id=SaleId(row.id),
        dealer=DealerCode(row.dealer_code),
        sku=Sku(row.sku),
        qty=row.qty,
        unit_price=row.unit_price,
        amount=row.amount,
        kind=SaleKind(row.kind),
        terminal=TerminalCode(row.terminal_code),
        sold_on=row.sold_on,
        status=SaleStatus(row.status),
        reported_by=row.reported_by,
        created_at=row.created_at,
        dedupe_key=row.dedupe_key,
        corrects=SaleId(row.corrects_id) if row.corrects_id else None,
        source_text=row.source_text,
    )


STREAM = 2000  # rows fetched at a time by `stream`


def _listed(dealers, start, end, statuses, lines):
    q = _sales_query().where(
        DealerRow.code.in_(list(dealers)), SaleRow.status.in_([s.value for s in statuses])
    )
    if lines is not None:
        q = q.where(ProductRow.line.in_(list(lines)))
    if start is not None:
        q = q.where(SaleRow.sold_on >= start)
    if end is not None:
        q = q.where(SaleRow.sold_on <= end)
    return q.order_by(SaleRow.sold_on, SaleRow.id)


class SqlSalesRepository:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.ids = RowIds(session)

    def add(
        self,
        draft: SaleDraft,
        *,
        dedupe_key: str,
        reported_by: int | None,
        now: datetime,
        corrects: SaleId | None = None,
    ) -> Sale:
        amount = multiply(draft.unit_price, draft.qty)
        values = {
            "dealer": draft.dealer,
            "sku": draft.sku,
            "terminal": draft.terminal,
            "qty": draft.qty,
            "unit_price": draft.unit_price,
            "amount": amount,
            "kind": draft.kind.value,
            "sold_on": draft.sold_on,
            "status": SaleStatus.CONFIRMED.value,
            "reported_by": reported_by,
            "created_at": now,
            "dedupe_key": dedupe_key,
            "corrects_id": corrects,
            "source_text": draft.source_text[:2000],
        }
        conn = self.s.connection()
        inserted = _INSERT_SALE[conn.dialect.name].first(conn, values)
        if inserted is None:
            raise DuplicateSale(dedupe_key)
        sale_id, dealer_id = inserted
        add_to_month(conn, dealer_id, draft.sold_on, amount)
        return Sale(
            id=SaleId(sale_id),
            dealer=draft.dealer,
            sku=draft.sku,
            qty=draft.qty,
            unit_price=draft.unit_price,
            amount=amount,
            kind=draft.kind,
            terminal=draft.terminal,
            sold_on=draft.sold_on,
            status=SaleStatus.CONFIRMED,
            reported_by=reported_by,
            created_at=now,
            dedupe_key=dedupe_key,
            corrects=corrects,
            source_text=draft.source_text[:2000],
        )

    def _one(self, where) -> Sale | None:
        found = self.s.execute(_sales_query().where(where)).first()
        return _sale(found) if found else None

    def get(self, sale_id: SaleId) -> Sale | None:
        return self._one(SaleRow.id == sale_id)

    def by_dedupe_key(self, key: str) -> Sale | None:
        # Almost always a miss: look at the unique index alone before loading anything.
        if self.s.connection().execute(_ID_BY_KEY, {"key": key}).first() is None:
            return None
        return self._one(SaleRow.dedupe_key == key)

    def facts(self, dealer: DealerCode, sku: Sku, terminal: TerminalCode):
        return load_sale_facts(self.s, dealer, sku, terminal)

    def set_status(self, sale_id: SaleId, status: SaleStatus) -> None:
        """Move a sale to `status`; leaving or entering `confirmed` updates its month's sum.

        One conditional UPDATE decides whether the sale crosses `confirmed` (two withdrawals
        racing on one sale: the second finds it no longer confirmed and changes no sum).
        """
        confirmed = SaleStatus.CONFIRMED.value
        crossing = (
            SaleRow.status != confirmed
            if status.value == confirmed
            else (SaleRow.status == confirmed)
        )
        moved = self.s.execute(
            update(SaleRow)
            .where(SaleRow.id == sale_id, crossing)
            .values(status=status.value)
            .returning(SaleRow.dealer_id, SaleRow.sold_on, SaleRow.amount)
        ).first()
        if moved is not None:
            dealer_id, sold_on, amount = moved
            sign = 1 if status.value == confirmed else -1
            add_to_month(self.s.connection(), dealer_id, sold_on, sign * amount)
        else:  # not crossing `confirmed` (or no such sale): the status alone, if any
            self.s.execute(update(SaleRow).where(SaleRow.id == sale_id).values(status=status.value))

    def list(
        self,
        dealers: Sequence[DealerCode],
        start: date | None = None,
        end: date | None = None,
        statuses: Sequence[SaleStatus] = (SaleStatus.CONFIRMED,),
        limit: int | None = None,
        lines: Sequence[str] | None = None,
    ) -> list[Sale]:
        q = _listed(dealers, start, end, statuses, lines)
        if limit is not None:
            q = q.limit(limit)
        return [_sale(r) for r in self.s.execute(q)]

    def stream(
        self,
        dealers: Sequence[DealerCode],
        start: date,
        end: date,
        statuses: Sequence[SaleStatus],
        lines: Sequence[str] | None = None,
    ) -> Iterator[Sale]:
        # yield_per: fetched a chunk at a time (a server-side cursor on PostgreSQL).
        q = _listed(dealers, start, end, statuses, lines).execution_options(yield_per=STREAM)
        for row in self.s.execute(q):
            yield _sale(row)

    def count(
        self,
        dealers: Sequence[DealerCode],
        start: date,
        end: date,
        statuses: Sequence[SaleStatus],
        lines: Sequence[str] | None = None,
    ) -> int:
        q = (
            select(func.count(SaleRow.id))
            .join(DealerRow, SaleRow.dealer_id == DealerRow.id)
            .where(
                DealerRow.code.in_(list(dealers)),
                SaleRow.status.in_([s.value for s in statuses]),
                SaleRow.sold_on >= start,
                SaleRow.sold_on <= end,
            )
        )
        if lines is not None:
            q = q.join(ProductRow, SaleRow.product_id == ProductRow.id).where(
                ProductRow.line.in_(list(lines))
            )
        return self.s.scalar(q) or 0

    def qty_sold(
        self,
        dealers: Sequence[DealerCode] | None,
        start: date,
        end: date,
        lines: Sequence[str] | None = None,
    ) -> dict[tuple[DealerCode, Sku], int]:
        # Summed by row ids first, codes joined to the sums after: grouping by the codes made
        # SQLite sort every sale of the window by them, some 3x slower (bench/stock_views.py:
        # 3.7 s against 1.0 s for 225,000 sales; the plain GROUP BY floor is within 1.2x).
        sums = select(
            SaleRow.dealer_id, SaleRow.product_id, func.sum(SaleRow.qty).label("qty")
        ).where(
            SaleRow.status == SaleStatus.CONFIRMED.value,
            SaleRow.sold_on >= start,
            SaleRow.sold_on <= end,
        )
        if dealers is not None:
            codes = select(DealerRow.id).where(DealerRow.code.in_(list(dealers)))
            sums = sums.where(SaleRow.dealer_id.in_(codes))
        sums = sums.group_by(SaleRow.dealer_id, SaleRow.product_id).subquery()
        q = (
            select(DealerRow.code, ProductRow.sku, sums.c.qty)
            .join(DealerRow, sums.c.dealer_id == DealerRow.id)
            .join(ProductRow, sums.c.product_id == ProductRow.id)
        )
        if lines is not None:
            q = q.where(ProductRow.line.in_(list(lines)))
        return {(DealerCode(c), Sku(k)): int(n) for c, k, n in self.s.execute(q)}
