"""SqlDepositRepository: the ledger's rows; balances are sums in SQL, never a stored field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.deposits.model import OUTGOING, Entry, EntryKind, NewEntry
from storage.deposits.models import DepositEntryRow

_SIGNED = case(
    (DepositEntryRow.kind.in_([k.value for k in OUTGOING]), -DepositEntryRow.amount),
    else_=DepositEntryRow.amount,
)


def _entry(row: DepositEntryRow) -> Entry:
    return Entry(
        row.id,
        DealerCode(row.dealer_code),
        EntryKind(row.kind),
        row.amount,
        row.day,
        row.reason,
        row.source,
        row.recorded_by,
        row.at,
    )


class SqlDepositRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, entry: NewEntry, now: datetime) -> Entry | None:
        exists = self.session.scalar(
            select(DepositEntryRow.id).where(DepositEntryRow.key == entry.key)
        )
        if exists is not None:
            return None
        row = DepositEntryRow(
            dealer_code=entry.dealer,
            kind=entry.kind.value,
            amount=entry.amount,
            day=entry.day,
            reason=entry.reason[:1000],
            source=entry.source[:80],
            recorded_by=entry.recorded_by[:80],
            at=now,
            key=entry.key[:200],
        )
        try:
            with self.session.begin_nested():  # a concurrent writer of the same key loses here
                self.session.add(row)
        except IntegrityError:
            return None
        return _entry(row)

    def entries(self, dealer: DealerCode, limit: int = 10) -> list[Entry]:
        rows = self.session.scalars(
            select(DepositEntryRow)
            .where(DepositEntryRow.dealer_code == dealer)
            .order_by(DepositEntryRow.day.desc(), DepositEntryRow.id.desc())
            .limit(limit)
        )
        return [_entry(r) for r in rows]

    def balance(self, dealer: DealerCode) -> Decimal:
        total = self.session.scalar(
            select(func.coalesce(func.sum(_SIGNED), 0)).where(DepositEntryRow.dealer_code == dealer)
        )
        return Decimal(total).quantize(Decimal("0.01"))

    def balances(self, dealers: Iterable[DealerCode]) -> dict[DealerCode, Decimal]:
        codes = list(dealers)
        if not codes:
            return {}
        rows = self.session.execute(
            select(DepositEntryRow.dealer_code, func.sum(_SIGNED))
            .where(DepositEntryRow.dealer_code.in_(codes))
            .group_by(DepositEntryRow.dealer_code)
        )
        return {DealerCode(c): Decimal(t).quantize(Decimal("0.01")) for c, t in rows}
