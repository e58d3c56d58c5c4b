"""SqlRebateRepository: programs and tiers, accrual sums, settlements drafted once.

Sales of a program are read from the month sums `sales_monthly` when the program counts
amounts of every product line (a period is whole months: one range seek per dealer); a
quantity basis or a product-line scope needs the sale rows, summed in one aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, DealerStatus
from domain.rebates.model import (
    Basis,
    NewSettlement,
    Program,
    Scope,
    Settlement,
    SettlementState,
    Sold,
    Tier,
)
from domain.sales.model import Severity, ViolationStatus
from domain.shared.periods import Period
from domain.targets.achievement import COUNTED_STATUS
from storage.catalog.models import AuthorizationRow, DealerRow, ProductRow, RegionRow
from storage.rebates.models import RebateProgramRow, RebateSettlementRow, RebateTierRow
from storage.sales.models import SaleRow, ViolationRow
from storage.sales.monthly_models import SalesMonthlyRow

CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _settlement(row: RebateSettlementRow, program: RebateProgramRow) -> Settlement:
    return Settlement(
        row.id,
        row.program_id,
        program.code,
        program.period,
        DealerCode(row.dealer_code),
        row.achieved,
        row.tier,
        row.gross,
        row.deduction,
        row.net,
        row.reason,
        SettlementState(row.state),
        row.request_id,
        row.created_at,
        row.credited_at,
    )


class SqlRebateRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    # -- programs ----------------------------------------------------------------------

    def _programs(self, rows: Sequence[RebateProgramRow]) -> list[Program]:
        if not rows:
            return []
        tiers: dict[int, list[Tier]] = {}
        for t in self.s.scalars(
            select(RebateTierRow)
            .where(RebateTierRow.program_id.in_([r.id for r in rows]))
            .order_by(RebateTierRow.program_id, RebateTierRow.lower)
        ):
            tiers.setdefault(t.program_id, []).append(
                Tier(t.lower, t.upper, t.rate, t.amount, t.cap)
            )
        return [
            Program(
                r.id,
                r.code,
                Period.parse(r.period),
                Basis(r.basis),
                Scope(
                    tuple(r.scope.get("lines", ())),
                    tuple(r.scope.get("regions", ())),
                    tuple(r.scope.get("tiers", ())),
                ),
                tuple(tiers.get(r.id, ())),
                r.withhold_on_severe,
            )
            for r in rows
        ]

    def programs(self, periods: Sequence[Period]) -> list[Program]:
        rows = self.s.scalars(
            select(RebateProgramRow)
            .where(RebateProgramRow.period.in_([str(p) for p in periods]))
            .order_by(RebateProgramRow.code, RebateProgramRow.period)
        ).all()
        return self._programs(rows)

    def ended_before(self, day: date) -> list[Program]:
        rows = self.s.scalars(select(RebateProgramRow).order_by(RebateProgramRow.id)).all()
        return [p for p in self._programs(rows) if p.period.end < day]

    def save_program(self, program: Program) -> tuple[int, bool]:
        row = self.s.scalar(
            select(RebateProgramRow).where(
                RebateProgramRow.code == program.code,
                RebateProgramRow.period == str(program.period),
            )
        )
        created = row is None
        scope = {
            "lines": list(program.scope.lines),
            "regions": list(program.scope.regions),
            "tiers": list(program.scope.tiers),
        }
        if row is None:
            row = RebateProgramRow(code=program.code, period=str(program.period))
            self.s.add(row)
        row.basis = program.basis.value
        row.scope = scope
        row.withhold_on_severe = program.withhold_on_severe
        row.updated_at = datetime.now(UTC)
        self.s.flush()
        self.s.execute(delete(RebateTierRow).where(RebateTierRow.program_id == row.id))
        for t in program.tiers:
            self.s.add(
                RebateTierRow(
                    program_id=row.id,
                    lower=t.lower,
                    upper=t.upper,
                    rate=t.rate,
                    amount=t.amount,
                    cap=t.cap,
                )
            )
        self.s.flush()
        return row.id, created

    # -- accrual -----------------------------------------------------------------------

    def sold(
        self, program: Program, dealers: Sequence[DealerCode] | None = None
    ) -> dict[DealerCode, Sold]:
        start, end = program.period.start, program.period.end
        if program.basis is not Basis.QUANTITY and not program.scope.lines:
            per_dealer = (
                select(SalesMonthlyRow.dealer_id, func.sum(SalesMonthlyRow.amount).label("a"))
                .where(SalesMonthlyRow.month >= start, SalesMonthlyRow.month <= end)
                .group_by(SalesMonthlyRow.dealer_id)
            )
            agg = per_dealer.subquery()
            q = select(DealerRow.code, agg.c.a, None).join(agg, agg.c.dealer_id == DealerRow.id)
        else:
            per_dealer = select(
                SaleRow.dealer_id,
                func.sum(SaleRow.amount).label("a"),
                func.sum(SaleRow.qty).label("q"),
            ).where(
                SaleRow.status == COUNTED_STATUS, SaleRow.sold_on >= start, SaleRow.sold_on <= end
            )
            if program.scope.lines:
                per_dealer = per_dealer.join(ProductRow, SaleRow.product_id == ProductRow.id).where(
                    ProductRow.line.in_(program.scope.lines)
                )
            agg = per_dealer.group_by(SaleRow.dealer_id).subquery()
            q = select(DealerRow.code, agg.c.a, agg.c.q).join(agg, agg.c.dealer_id == DealerRow.id)
        if dealers is not None:
            q = q.where(DealerRow.code.in_(list(dealers)))
        return {
            DealerCode(code): Sold(_money(amount), int(qty or 0))
            for code, amount, qty in self.s.connection().execute(q)
        }

    def eligible(self, program: Program) -> list[tuple[DealerCode, str, tuple[str, ...]]]:
        dealers = (
            self.s.connection()
            .execute(
                select(DealerRow.id, DealerRow.code, DealerRow.tier)
                .where(DealerRow.status == DealerStatus.ACTIVE.value)
                .order_by(DealerRow.code)
            )
            .all()
        )
        regions: dict[int, list[str]] = {}
        if program.scope.regions:
            for dealer_id, region in self.s.execute(
                select(AuthorizationRow.dealer_id, RegionRow.code).join(
                    RegionRow, AuthorizationRow.region_id == RegionRow.id
                )
            ):
                regions.setdefault(dealer_id, []).append(region)
        return [(DealerCode(c), tier, tuple(regions.get(i, ()))) for i, c, tier in dealers]

    def severe_violations(self, program: Program, tz: tzinfo) -> dict[DealerCode, int]:
        start = datetime.combine(program.period.start, time(0), tz)
        end = datetime.combine(program.period.end + timedelta(days=1), time(0), tz)
        rows = self.s.execute(
            select(DealerRow.code, func.count(ViolationRow.id))
            .join(DealerRow, ViolationRow.dealer_id == DealerRow.id)
            .where(
                ViolationRow.severity == Severity.SEVERE.value,
                ViolationRow.status.in_(
                    [ViolationStatus.CONFIRMED.value, ViolationStatus.PENALIZED.value]
                ),
                ViolationRow.created_at >= start,
                ViolationRow.created_at < end,
            )
            .group_by(DealerRow.code)
        )
        return {DealerCode(c): n for c, n in rows}

    # -- settlements -------------------------------------------------------------------

    def add_settlement(self, new: NewSettlement, now: datetime) -> Settlement | None:
        exists = self.s.scalar(
            select(RebateSettlementRow.id).where(
                RebateSettlementRow.program_id == new.program_id,
                RebateSettlementRow.dealer_code == new.dealer,
            )
        )
        if exists is not None:
            return None
        row = RebateSettlementRow(
            program_id=new.program_id,
            dealer_code=new.dealer,
            achieved=new.achieved,
            tier=new.tier,
            gross=new.gross,
            deduction=new.deduction,
            net=new.net,
            reason=new.reason[:1000],
            state=SettlementState.PENDING.value,
            created_at=now,
        )
        try:
            with self.s.begin_nested():  # another scheduler's draft of the same dealer wins
                self.s.add(row)
        except IntegrityError:
            return None
        return _settlement(row, self.s.get(RebateProgramRow, new.program_id))

    def settlement(self, id: int) -> Settlement | None:
        found = self.s.execute(
            select(RebateSettlementRow, RebateProgramRow)
            .join(RebateProgramRow, RebateSettlementRow.program_id == RebateProgramRow.id)
            .where(RebateSettlementRow.id == id)
        ).first()
        return None if found is None else _settlement(*found)

    def settlements(self, period: Period) -> list[Settlement]:
        rows = self.s.execute(
            select(RebateSettlementRow, RebateProgramRow)
            .join(RebateProgramRow, RebateSettlementRow.program_id == RebateProgramRow.id)
            .where(RebateProgramRow.period == str(period))
            .order_by(RebateProgramRow.code, RebateSettlementRow.dealer_code)
        )
        return [_settlement(s, p) for s, p in rows]

    def link_request(self, id: int, request_id: int) -> None:
        self.s.execute(
            update(RebateSettlementRow)
            .where(RebateSettlementRow.id == id)
            .values(request_id=request_id)
        )

    def mark(self, id: int, state: SettlementState, now: datetime) -> bool:
        done = self.s.execute(
            update(RebateSettlementRow)
            .where(
                RebateSettlementRow.id == id,
                RebateSettlementRow.state == SettlementState.PENDING.value,
            )
            .values(
                state=state.value,
                credited_at=now if state is SettlementState.CREDITED else None,
            )
        )
        return bool(done.rowcount)
