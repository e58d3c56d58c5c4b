"""Deposit use cases over the ledger port: record an entry (checked), open balances."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.deposits.model import DepositRepository, Entry, EntryKind, NewEntry
from domain.deposits.rules import Refusal, check_entry
from domain.shared.money import to_money


class DepositRefused(Exception):
    def __init__(self, refusal: Refusal, balance: Decimal):
        super().__init__(refusal.value)
        self.refusal = refusal
        self.balance = balance


@dataclass(frozen=True, slots=True)
class Recorded:
    entry: Entry | None  # None: the key was already in the ledger (a replay)
    balance: Decimal  # after the entry


def record(
    repo: DepositRepository,
    new: NewEntry,
    now: datetime,
    *,
    open_penalties: int = 0,
    contract_in_force: bool = False,
) -> Recorded:
    """Check and append one entry; raises DepositRefused, writing nothing, when it may not."""
    balance = repo.balance(new.dealer)
    refusal = check_entry(
        new.kind,
        new.amount,
        balance,
        open_penalties=open_penalties,
        contract_in_force=contract_in_force,
    )
    if refusal is not None:
        raise DepositRefused(refusal, balance)
    entry = repo.append(replace(new, amount=to_money(new.amount)), now)
    return Recorded(entry, repo.balance(new.dealer))


def open_balances(
    repo: DepositRepository, pledged: Iterable[tuple[DealerCode, Decimal, date]], now: datetime
) -> int:
    """One pledge entry per dealer for the deposit its record says was paid; a dealer
    already opened is left alone (the ledger, not the record, is the truth after that)."""
    added = 0
    for dealer, amount, day in pledged:
        if to_money(amount) <= 0:
            continue
        entry = NewEntry(
            dealer, EntryKind.PLEDGE, amount, day, "", "opening", "import", f"opening:{dealer}"
        )
        if repo.append(replace(entry, amount=to_money(amount)), now) is not None:
            added += 1
    return added
