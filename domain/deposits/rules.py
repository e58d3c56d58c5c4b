"""What may move a deposit: pure checks over the balance and what the dealer still owes."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from domain.deposits.model import OUTGOING, EntryKind
from domain.shared.money import to_money


class Refusal(StrEnum):
    NOT_POSITIVE = "not_positive"
    BELOW_ZERO = "below_zero"  # more out than the balance holds
    OPEN_PENALTIES = "open_penalties"  # a refund while violations are still undecided
    CONTRACT_IN_FORCE = "contract_in_force"  # a refund is for a dealership that has ended


def check_entry(
    kind: EntryKind,
    amount: Decimal,
    balance: Decimal,
    *,
    open_penalties: int = 0,
    contract_in_force: bool = False,
) -> Refusal | None:
    """None when the entry may be written; the reason it may not otherwise."""
    if to_money(amount) <= 0:
        return Refusal.NOT_POSITIVE
    if kind is EntryKind.REFUND:
        if contract_in_force:
            return Refusal.CONTRACT_IN_FORCE
        if open_penalties:
            return Refusal.OPEN_PENALTIES
    if kind in OUTGOING and to_money(amount) > balance:
        return Refusal.BELOW_ZERO
    return None


def shortfall(required: Decimal, balance: Decimal) -> Decimal:
    """How much the balance is under what the contract requires (0 when it is not)."""
    return max(Decimal("0.00"), to_money(required - balance))
