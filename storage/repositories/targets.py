"""Targets as set, and counted sales summed per dealer and period in one aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import DealerCode
from domain.periods import Period, PeriodError
from storage.models import DealerRow, TargetRow


class SqlTargetRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def explicit(
        self, years: Sequence[int], dealers: Sequence[DealerCode] | None = None
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        q = select(DealerRow.code, TargetRow.period, TargetRow.amount).join(
            DealerRow, TargetRow.dealer_id == DealerRow.id
        )
        # Period strings start with their year: a prefix range keeps the index usable.
        lo, hi = min(years), max(years)
        q = q.where(TargetRow.period >= f"{lo}", TargetRow.period < f"{hi + 1}")
        if dealers is not None:
            q = q.where(DealerRow.code.in_(list(dealers)))
        found: dict[DealerCode, dict[Period, Decimal]] = {}
        for code, period, amount in self.s.execute(q):
            try:
                found.setdefault(DealerCode(code), {})[Period.parse(period)] = amount
            except PeriodError:
                continue
        return found

    def set(self, dealer: DealerCode, period: Period, amount: Decimal) -> None:
        dealer_id = self.s.scalar(select(DealerRow.id).where(DealerRow.code == dealer))
        row = self.s.scalar(
            select(TargetRow).where(
                TargetRow.dealer_id == dealer_id, TargetRow.period == str(period)
            )
        )
        if row is None:
            self.s.add(TargetRow(dealer_id=dealer_id, period=str(period), amount=amount))
        else:
            row.amount = amount
        self.s.flush()

    def achieved(
        self,
        periods: Sequence[Period],
        through: date,
        dealers: Sequence[DealerCode] | None = None,
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        raise NotImplementedError  # built on the sales table (revision 0002)

    def daily(
        self, dealer: DealerCode, period: Period, through: date
    ) -> list[tuple[date, Decimal]]:
        raise NotImplementedError
