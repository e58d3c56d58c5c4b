"""SqlDutyRepository: when each dealer did a duty (one aggregate per source), nil reports
and financial statement versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.duties.calendar import Duty, DutyPeriod
from domain.duties.model import Figures, Source, Statement
from storage.duties.models import DutyNilReportRow, FinancialStatementRow
from storage.models import DealerRow, SaleRow, StockRow


def _statement(row: FinancialStatementRow) -> Statement:
    return Statement(
        DealerCode(row.dealer_code),
        row.period,
        row.version,
        Figures(row.revenue, row.cost, row.receivables, row.inventory, row.cash),
        Source(row.source),
        row.file_name,
        row.submitted_at,
        row.submitted_by,
    )


def _earliest(found: dict[DealerCode, datetime], rows) -> None:
    for code, at in rows:
        if at is None:
            continue
        code = DealerCode(code)
        if code not in found or at < found[code]:
            found[code] = at


class SqlDutyRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def file_nil(
        self, dealer: DealerCode, duty: Duty, period: DutyPeriod, at: datetime, by: str
    ) -> bool:
        row = DutyNilReportRow(
            dealer_code=dealer, duty=duty.value, period=period.label, filed_at=at, filed_by=by[:80]
        )
        try:
            with self.s.begin_nested():  # a second press (or a racing one) finds it filed
                self.s.add(row)
        except IntegrityError:
            return False
        return True

    def done_at(
        self,
        duty: Duty,
        period: DutyPeriod,
        due: date,
        dealers: Sequence[DealerCode] | None = None,
    ) -> dict[DealerCode, datetime]:
        found: dict[DealerCode, datetime] = {}
        codes = list(dealers) if dealers is not None else None
        nil = select(DutyNilReportRow.dealer_code, DutyNilReportRow.filed_at).where(
            DutyNilReportRow.duty == duty.value, DutyNilReportRow.period == period.label
        )
        if codes is not None:
            nil = nil.where(DutyNilReportRow.dealer_code.in_(codes))
        _earliest(found, self.s.execute(nil).all())
        if duty is Duty.SALES_REPORT:
            q = (
                select(DealerRow.code, func.min(SaleRow.created_at))
                .join(DealerRow, SaleRow.dealer_id == DealerRow.id)
                .where(SaleRow.sold_on >= period.start, SaleRow.sold_on <= period.end)
                .group_by(DealerRow.code)
            )
        elif duty is Duty.STOCK_REPORT:
            # A level as of any day from the period's start to its due day reports it.
            q = (
                select(DealerRow.code, func.min(StockRow.created_at))
                .join(DealerRow, StockRow.dealer_id == DealerRow.id)
                .where(StockRow.as_of >= period.start, StockRow.as_of <= due)
                .group_by(DealerRow.code)
            )
        else:
            q = (
                select(
                    FinancialStatementRow.dealer_code,
                    func.min(FinancialStatementRow.submitted_at),
                )
                .where(FinancialStatementRow.period == period.label)
                .group_by(FinancialStatementRow.dealer_code)
            )
            if codes is not None:
                q = q.where(FinancialStatementRow.dealer_code.in_(codes))
            _earliest(found, self.s.execute(q).all())
            return found
        if codes is not None:
            q = q.where(DealerRow.code.in_(codes))
        _earliest(found, self.s.execute(q).all())
        return found

    def add_statement(self, statement: Statement) -> None:
        f = statement.figures
        self.s.add(
            FinancialStatementRow(
                dealer_code=statement.dealer,
                period=statement.period,
                version=statement.version,
                revenue=f.revenue,
                cost=f.cost,
                receivables=f.receivables,
                inventory=f.inventory,
                cash=f.cash,
                source=statement.source.value,
                file_name=statement.file_name[:200],
                submitted_at=statement.submitted_at,
                submitted_by=statement.submitted_by[:80],
            )
        )
        self.s.flush()  # the unique version: a racing upload of the same month fails here

    def statement(self, dealer: DealerCode, period: str) -> Statement | None:
        row = self.s.scalar(
            select(FinancialStatementRow)
            .where(
                FinancialStatementRow.dealer_code == dealer,
                FinancialStatementRow.period == period,
            )
            .order_by(FinancialStatementRow.version.desc())
            .limit(1)
        )
        return _statement(row) if row is not None else None

    def statements(self, dealer: DealerCode, limit: int = 24) -> list[Statement]:
        latest = (
            select(
                FinancialStatementRow.period,
                func.max(FinancialStatementRow.version).label("version"),
            )
            .where(FinancialStatementRow.dealer_code == dealer)
            .group_by(FinancialStatementRow.period)
            .order_by(FinancialStatementRow.period.desc())
            .limit(limit)
            .subquery()
        )
        rows = self.s.scalars(
            select(FinancialStatementRow)
            .join(
                latest,
                (FinancialStatementRow.period == latest.c.period)
                & (FinancialStatementRow.version == latest.c.version),
            )
            .where(FinancialStatementRow.dealer_code == dealer)
            .order_by(FinancialStatementRow.period)
        )
        return [_statement(r) for r in rows]
