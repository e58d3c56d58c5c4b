"""Keeping `sales_monthly` (confirmed sales per dealer and month) equal to the sales rows.

Every write that adds a confirmed sale, or moves a sale into or out of `confirmed`, calls
`add_to_month` in its own transaction: one atomic upsert (INSERT ... ON CONFLICT DO UPDATE
SET amount = sales_monthly.amount + excluded.amount, last_day = the later of the two), so
concurrent reports of one dealer never lose an addition. `rebuild` recomputes the whole
table from `sales` (the migration for rows stored before it, bulk loads, and the tests that
compare the two).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Date, cast, delete, func, insert, select

from domain.targets.achievement import COUNTED_STATUS
from storage.dialects import PerDialect, dialect_insert
from storage.prepared import Prepared
from storage.sales.models import SaleRow
from storage.sales.monthly_models import SalesMonthlyRow

_table = SalesMonthlyRow.__table__


def _upsert(dialect: str):
    stmt = dialect_insert(dialect)(_table)
    latest = func.max if dialect == "sqlite" else func.greatest
    return stmt.on_conflict_do_update(
        index_elements=[_table.c.dealer_id, _table.c.month],
        set_={
            "amount": _table.c.amount + stmt.excluded.amount,
            "last_day": latest(_table.c.last_day, stmt.excluded.last_day),
        },
    )


_UPSERT = PerDialect(
    lambda name: Prepared(_upsert(name), ["dealer_id", "month", "amount", "last_day"])
)


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_to_month(conn: Connection, dealer_id: int, sold_on: date, amount: Decimal) -> None:
    """Add `amount` (negative to take a sale out) to the dealer's month of `sold_on`."""
    values = {"dealer_id": dealer_id, "month": month_of(sold_on), "amount": amount}
    _UPSERT[conn.dialect.name].rows(conn, {**values, "last_day": sold_on})


def month_expression(dialect: str, day):
    """SQL for the first day of the month of the date column `day`."""
    if dialect == "sqlite":
        return func.date(day, "start of month")
    return cast(func.date_trunc("month", day), Date)


def rebuild(conn: Connection) -> None:
    """Recompute every row from the confirmed sales (in the caller's transaction)."""
    month = month_expression(conn.dialect.name, SaleRow.sold_on)
    conn.execute(delete(_table))
    conn.execute(
        insert(_table).from_select(
            ["dealer_id", "month", "amount", "last_day"],
            select(SaleRow.dealer_id, month, func.sum(SaleRow.amount), func.max(SaleRow.sold_on))
            .where(SaleRow.status == COUNTED_STATUS)
            .group_by(SaleRow.dealer_id, month),
        )
    )
