"""A period's facts for every dealer, one aggregate per source (sales, market, tickets,
ratings, violations, stock), each GROUP BY dealer: what the evaluation job reads.

A month's sales report is on time when a sale dated in that month was reported (created)
by the `grace_days`-th day after the month, business time; a month with a stock report
has one dated (`as_of`) in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, DealerStatus
from domain.sales.model import ViolationStatus
from domain.shared.money import CENT
from domain.shared.periods import Period, PeriodKind
from domain.targets.achievement import COUNTED_STATUS
from storage.catalog.models import AuthorizationRow, DealerRow, ProductRow, TerminalRow
from storage.evaluation.models import MarketSizeRow
from storage.sales.models import SaleRow, StockRow, ViolationRow
from storage.tickets.models import TicketFollowUpRow, TicketRow

COUNTED_VIOLATIONS = (ViolationStatus.CONFIRMED.value, ViolationStatus.PENALIZED.value)


def months_of(period: Period) -> list[Period]:
    if period.kind is PeriodKind.MONTH:
        return [period]
    day, found = period.start, []
    while day <= period.end:
        found.append(Period.containing(day, PeriodKind.MONTH))
        day = found[-1].end + timedelta(days=1)
    return found


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


class FactReader:
    """Reads the raw figures; `domain.evaluation.model.Facts` is built from them."""

    def __init__(self, session: Session, period: Period, tz: tzinfo, grace_days: int) -> None:
        self.s = session
        self.period = period
        self.tz = tz
        self.grace = grace_days
        self.start = datetime.combine(period.start, time(0), tz)
        self.end = datetime.combine(period.end + timedelta(days=1), time(0), tz)

    def _run(self, q):
        return self.s.connection().execute(q).all()

    def dealers(self, codes: Sequence[DealerCode] | None) -> dict[int, tuple[str, date | None]]:
        q = select(DealerRow.id, DealerRow.code, DealerRow.since).where(
            DealerRow.status == DealerStatus.ACTIVE.value
        )
        if codes is not None:
            q = q.where(DealerRow.code.in_(list(codes)))
        return {i: (c, since) for i, c, since in self._run(q)}

    def sales(self) -> dict[int, tuple]:
        """Per dealer: counted amount, count, and per month whether it was reported on time."""
        months = months_of(self.period)
        flags = []
        for i, m in enumerate(months):
            due = datetime.combine(m.end + timedelta(days=1 + self.grace), time(0), self.tz)
            in_month = and_(SaleRow.sold_on >= m.start, SaleRow.sold_on <= m.end)
            on_time = case((and_(in_month, SaleRow.created_at < due), 1), else_=0)
            flags.append(func.max(on_time).label(f"m{i}"))
        q = (
            select(
                SaleRow.dealer_id,
                func.sum(SaleRow.amount),
                func.count(),
                *flags,
            )
            .where(
                SaleRow.status == COUNTED_STATUS,
                SaleRow.sold_on >= self.period.start,
                SaleRow.sold_on <= self.period.end,
            )
            .group_by(SaleRow.dealer_id)
        )
        return {row[0]: (_money(row[1]), row[2], sum(row[3:])) for row in self._run(q)}

    def market(self) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
        """Per dealer: the market size of its authorised (region, line) cells and its
        sales in them. Nothing is read when no size was imported for the period."""
        sizes = {
            (r, line): amount
            for r, line, amount in self._run(
                select(MarketSizeRow.region_id, MarketSizeRow.line, MarketSizeRow.amount).where(
                    MarketSizeRow.period == str(self.period)
                )
            )
        }
        if not sizes:
            return {}, {}
        region = func.coalesce(AuthorizationRow.region_id, TerminalRow.region_id)
        cells: dict[int, set[tuple[int, str]]] = {}
        for dealer_id, region_id, line in self._run(
            select(AuthorizationRow.dealer_id, region, AuthorizationRow.line)
            .outerjoin(TerminalRow, AuthorizationRow.terminal_id == TerminalRow.id)
            .where(
                AuthorizationRow.valid_from <= self.period.end,
                or_(
                    AuthorizationRow.valid_to.is_(None),
                    AuthorizationRow.valid_to >= self.period.start,
                ),
            )
        ):
            if (region_id, line) in sizes:
                cells.setdefault(dealer_id, set()).add((region_id, line))
        size = {d: sum((sizes[c] for c in found), Decimal(0)) for d, found in cells.items()}
        sold: dict[int, Decimal] = {}
        regions = sorted({r for r, _ in sizes})
        for dealer_id, region_id, line, amount in self._run(
            select(
                SaleRow.dealer_id, TerminalRow.region_id, ProductRow.line, func.sum(SaleRow.amount)
            )
            .join(TerminalRow, SaleRow.terminal_id == TerminalRow.id)
            .join(ProductRow, SaleRow.product_id == ProductRow.id)
            .where(
                SaleRow.status == COUNTED_STATUS,
                SaleRow.sold_on >= self.period.start,
                SaleRow.sold_on <= self.period.end,
                TerminalRow.region_id.in_(regions),
            )
            .group_by(SaleRow.dealer_id, TerminalRow.region_id, ProductRow.line)
        ):
            if (region_id, line) in cells.get(dealer_id, ()):
                sold[dealer_id] = sold.get(dealer_id, Decimal(0)) + _money(amount)
        return size, sold

    def tickets(self) -> dict[int, tuple[int, int, int]]:
        """Per dealer: tickets resolved in the period, of them within SLA, and reopened."""
        q = (
            select(
                TicketRow.dealer_id,
                func.count(),
                func.sum(case((TicketRow.resolved_at <= TicketRow.due_at, 1), else_=0)),
                func.sum(case((TicketRow.reopen_count > 0, 1), else_=0)),
            )
            .where(TicketRow.resolved_at >= self.start, TicketRow.resolved_at < self.end)
            .group_by(TicketRow.dealer_id)
        )
        return {d: (n, int(on or 0), int(re or 0)) for d, n, on, re in self._run(q)}

    def ratings(self) -> dict[int, tuple[int, int]]:
        q = (
            select(TicketRow.dealer_id, func.count(), func.sum(TicketFollowUpRow.rating))
            .join(TicketRow, TicketFollowUpRow.ticket_id == TicketRow.id)
            .where(TicketFollowUpRow.at >= self.start, TicketFollowUpRow.at < self.end)
            .group_by(TicketRow.dealer_id)
        )
        return {d: (n, int(total or 0)) for d, n, total in self._run(q)}

    def violations(self) -> dict[int, tuple[tuple[str, int], ...]]:
        q = (
            select(ViolationRow.dealer_id, ViolationRow.severity, func.count())
            .where(
                ViolationRow.status.in_(COUNTED_VIOLATIONS),
                ViolationRow.created_at >= self.start,
                ViolationRow.created_at < self.end,
            )
            .group_by(ViolationRow.dealer_id, ViolationRow.severity)
            .order_by(ViolationRow.dealer_id, ViolationRow.severity)
        )
        found: dict[int, list[tuple[str, int]]] = {}
        for d, severity, n in self._run(q):
            found.setdefault(d, []).append((severity, n))
        return {d: tuple(v) for d, v in found.items()}

    def stock_months(self) -> dict[int, int]:
        months = months_of(self.period)
        flags = [
            func.max(case((and_(StockRow.as_of >= m.start, StockRow.as_of <= m.end), 1), else_=0))
            for m in months
        ]
        q = (
            select(StockRow.dealer_id, *flags)
            .where(StockRow.as_of >= self.period.start, StockRow.as_of <= self.period.end)
            .group_by(StockRow.dealer_id)
        )
        return {row[0]: sum(row[1:]) for row in self._run(q)}
