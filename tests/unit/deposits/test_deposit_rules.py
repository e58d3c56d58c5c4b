"""The deposit ledger's rules: signs, what may go out, opening balances once."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.catalog.model import DealerCode
from domain.deposits.model import Entry, EntryKind, NewEntry
from domain.deposits.rules import Refusal, check_entry, shortfall
from domain.deposits.services import DepositRefused, open_balances, record

NOW = datetime(2026, 12, 2, 8, tzinfo=UTC)
D1 = DealerCode("D001")


class MemoryLedger:
    """A working ledger in memory: entries appended, balance summed."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, Entry]] = []

    def append(self, entry: NewEntry, now: datetime) -> Entry | None:
        if any(key == entry.key for key, _ in self.rows):
            return None
        e = Entry(
            len(self.rows) + 1,
            entry.dealer,
            entry.kind,
            entry.amount,
            entry.day,
            entry.reason,
            entry.source,
            entry.recorded_by,
            now,
        )
        self.rows.append((entry.key, e))
        return e

    def entries(self, dealer, limit=10):
        return [e for _, e in reversed(self.rows) if e.dealer == dealer][:limit]

    def balance(self, dealer) -> Decimal:
        return sum((e.signed for _, e in self.rows if e.dealer == dealer), Decimal("0.00"))

    def balances(self, dealers):
        return {d: self.balance(d) for d in dealers}


def entry(kind: EntryKind, amount: str, key: str) -> NewEntry:
    return NewEntry(D1, kind, Decimal(amount), date(2026, 12, 1), "r", "test", "manager:M01", key)


def test_every_kind_of_entry_moves_the_balance_by_its_sign() -> None:
    ledger = MemoryLedger()
    record(ledger, entry(EntryKind.PLEDGE, "50000", "a"), NOW)
    record(ledger, entry(EntryKind.TOPUP, "1000.005", "b"), NOW)  # rounded half up to the fen
    record(ledger, entry(EntryKind.DEDUCTION, "5000", "c"), NOW)
    record(ledger, entry(EntryKind.CONFISCATION, "10000", "d"), NOW)
    out = record(ledger, entry(EntryKind.REFUND, "36000.01", "e"), NOW)
    assert out.balance == Decimal("0.00")
    assert [e.amount for _, e in ledger.rows][1] == Decimal("1000.01")


def test_the_same_key_twice_adds_one_entry() -> None:
    ledger = MemoryLedger()
    record(ledger, entry(EntryKind.PLEDGE, "100", "same"), NOW)
    again = record(ledger, entry(EntryKind.PLEDGE, "100", "same"), NOW)
    assert again.entry is None and again.balance == Decimal("100.00")


def test_nothing_goes_out_beyond_the_balance_and_nothing_is_written() -> None:
    ledger = MemoryLedger()
    record(ledger, entry(EntryKind.PLEDGE, "100", "a"), NOW)
    with pytest.raises(DepositRefused) as refused:
        record(ledger, entry(EntryKind.DEDUCTION, "100.01", "b"), NOW)
    assert refused.value.refusal is Refusal.BELOW_ZERO
    assert len(ledger.rows) == 1
    record(ledger, entry(EntryKind.DEDUCTION, "100.00", "c"), NOW)  # exactly the balance


def test_a_refund_waits_for_open_penalties_and_the_end_of_the_contract() -> None:
    kind, amount, balance = EntryKind.REFUND, Decimal("10"), Decimal("100")
    assert check_entry(kind, amount, balance, open_penalties=1) is Refusal.OPEN_PENALTIES
    assert check_entry(kind, amount, balance, contract_in_force=True) is (Refusal.CONTRACT_IN_FORCE)
    assert check_entry(kind, amount, balance) is None
    # A top-up is welcome whatever is open.
    assert check_entry(EntryKind.TOPUP, amount, balance, open_penalties=3) is None


def test_zero_or_negative_amounts_are_refused() -> None:
    assert check_entry(EntryKind.TOPUP, Decimal("0"), Decimal("0")) is Refusal.NOT_POSITIVE
    assert check_entry(EntryKind.TOPUP, Decimal("-5"), Decimal("0")) is Refusal.NOT_POSITIVE


def test_shortfall_is_what_is_missing_never_negative() -> None:
    assert shortfall(Decimal("50000"), Decimal("40000")) == Decimal("10000.00")
    assert shortfall(Decimal("50000"), Decimal("60000")) == Decimal("0.00")


def test_opening_balances_open_each_dealer_once_and_skip_zero() -> None:
    ledger = MemoryLedger()
    day = date(2026, 1, 1)
    rows = [(D1, Decimal("50000"), day), (DealerCode("D002"), Decimal("0"), day)]
    assert open_balances(ledger, rows, NOW) == 1
    assert open_balances(ledger, rows, NOW) == 0
    assert ledger.balance(D1) == Decimal("50000.00")
