"""Deposit ledger entries and the port that keeps them.

An entry never changes: the balance is the sum of signed entries, a correction is another
entry. Each carries an idempotency key, so an import or a decision replayed adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import DealerCode


class EntryKind(StrEnum):
    PLEDGE = "pledge"  # the deposit paid in when the contract is signed
    TOPUP = "topup"
    DEDUCTION = "deduction"  # a fine paid out of the deposit
    CONFISCATION = "confiscation"  # 没收保证金, part or all, a penalty decision
    REFUND = "refund"  # at termination, once nothing is owed


SIGN = {
    EntryKind.PLEDGE: 1,
    EntryKind.TOPUP: 1,
    EntryKind.DEDUCTION: -1,
    EntryKind.CONFISCATION: -1,
    EntryKind.REFUND: -1,
}
OUTGOING = frozenset(k for k, sign in SIGN.items() if sign < 0)


@dataclass(frozen=True, slots=True)
class NewEntry:
    dealer: DealerCode
    kind: EntryKind
    amount: Decimal  # positive yuan; the kind gives the sign
    day: date  # the business day the money moved
    reason: str
    source: str  # what it comes from: "import", "opening", "violation:7", "approval:12"
    recorded_by: str  # actor label, "manager:M01" / "import"
    key: str  # idempotency: a second entry with the same key is not added


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    dealer: DealerCode
    kind: EntryKind
    amount: Decimal
    day: date
    reason: str
    source: str
    recorded_by: str
    at: datetime

    @property
    def signed(self) -> Decimal:
        return self.amount * SIGN[self.kind]


class DepositRepository(Protocol):
    def append(self, entry: NewEntry, now: datetime) -> Entry | None:
        """Add the entry; None (and nothing added) when its key is already in the ledger."""
        ...

    def entries(self, dealer: DealerCode, limit: int = 10) -> list[Entry]:
        """The dealer's latest entries, newest first."""
        ...

    def balance(self, dealer: DealerCode) -> Decimal: ...

    def balances(self, dealers: Iterable[DealerCode]) -> dict[DealerCode, Decimal]:
        """Balances of the dealers that have entries (one aggregate query)."""
        ...
