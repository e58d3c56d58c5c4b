"""Pure rebate arithmetic: which tier a figure falls in, what it pays, what the next one
would, and whether a tier table has gaps or overlaps. Exact Decimal, rounded to the fen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum
from itertools import pairwise

from domain.rebates.model import Basis, NewSettlement, Program, Sold, Tier
from domain.shared.money import CENT

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def measure(basis: Basis, sold: Sold, target: Decimal | None) -> Decimal | None:
    """The figure the tiers are read against; None when a target basis has no target.
    A percentage is cut (not rounded) to 0.01, so an edge is reached only when it is."""
    if basis is Basis.AMOUNT:
        return sold.amount
    if basis is Basis.QUANTITY:
        return Decimal(sold.quantity)
    if not target:
        return None
    return (sold.amount * HUNDRED / target).quantize(CENT, rounding=ROUND_DOWN)


def tier_index(tiers: Sequence[Tier], figure: Decimal | None) -> int | None:
    """0-based index of the tier with lower <= figure < upper; None below every tier."""
    if figure is None:
        return None
    for i, tier in enumerate(tiers):
        if tier.lower <= figure and (tier.upper is None or figure < tier.upper):
            return i
    return None


def pays(tier: Tier, sales: Decimal) -> Decimal:
    """A tier's rebate on a sales amount: rate % of it or the fixed amount, at most the cap."""
    if tier.rate is not None:
        value = (sales * tier.rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        value = tier.amount or ZERO
    if tier.cap is not None:
        value = min(value, tier.cap)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Accrual:
    """One dealer in one program as of a day."""

    sold: Sold
    target: Decimal | None
    figure: Decimal | None  # in the basis' unit
    tier: int | None  # 0-based
    rebate: Decimal  # accrued so far (before any withholding)
    withheld: bool


def accrue(program: Program, sold: Sold, target: Decimal | None, withheld: bool) -> Accrual:
    figure = measure(program.basis, sold, target)
    index = tier_index(program.tiers, figure)
    rebate = ZERO if index is None else pays(program.tiers[index], sold.amount)
    return Accrual(sold, target, figure, index, rebate, withheld)


@dataclass(frozen=True, slots=True)
class Step:
    """What reaching a higher tier takes and brings."""

    tier: int  # 0-based
    more: Decimal  # in the basis' unit: yuan, units, or yuan of sales for a target basis
    more_is_money: bool
    rebate: Decimal | None  # that tier's rebate with the extra sales (None: cannot tell)
    gain: Decimal | None  # rebate - the current one


def what_if(program: Program, accrual: Accrual, ahead: int = 2) -> list[Step]:
    """The next `ahead` tiers above the current one: how much more, and the rebate then.
    For a quantity basis the extra units are valued at the dealer's average price so far
    (an estimate: nothing, without sales yet)."""
    start = 0 if accrual.tier is None else accrual.tier + 1
    steps = []
    sold = accrual.sold
    for i in range(start, min(start + ahead, len(program.tiers))):
        tier = program.tiers[i]
        if program.basis is Basis.AMOUNT:
            more = max(tier.lower - sold.amount, ZERO)
            sales: Decimal | None = sold.amount + more
        elif program.basis is Basis.TARGET_PERCENT:
            if not accrual.target:
                break
            needed = (accrual.target * tier.lower / HUNDRED).quantize(CENT, rounding=ROUND_UP)
            more = max(needed - sold.amount, ZERO)
            sales = sold.amount + more
        else:
            more = max(tier.lower - sold.quantity, Decimal(0))
            sales = None
            if sold.quantity:
                sales = sold.amount + (sold.amount * more / sold.quantity).quantize(CENT)
        rebate = None if sales is None else pays(tier, sales)
        gain = None if rebate is None else rebate - accrual.rebate
        steps.append(Step(i, more, program.basis is not Basis.QUANTITY, rebate, gain))
    return steps


def settle(program_id: int, dealer, accrual: Accrual, reason: str) -> NewSettlement:
    """The period-end settlement: the whole rebate withheld when a condition is broken."""
    deduction = accrual.rebate if accrual.withheld else ZERO
    return NewSettlement(
        program_id,
        dealer,
        accrual.figure if accrual.figure is not None else ZERO,
        None if accrual.tier is None else accrual.tier + 1,
        accrual.rebate,
        deduction,
        accrual.rebate - deduction,
        reason if accrual.withheld else "",
    )


class TableProblem(StrEnum):
    GAP = "gap"
    OVERLAP = "overlap"
    EMPTY = "empty"  # upper <= lower


def table_problems(tiers: Sequence[tuple[int, Tier]]) -> list[tuple[int, TableProblem, int]]:
    """(row, problem, the other row) for a program's tier table given as (row, tier) pairs:
    each tier must start where the one below it ends; only the highest may be open-ended."""
    found: list[tuple[int, TableProblem, int]] = []
    ordered = sorted(tiers, key=lambda rt: rt[1].lower)
    for row, tier in ordered:
        if tier.upper is not None and tier.upper <= tier.lower:
            found.append((row, TableProblem.EMPTY, row))
    for (row_a, a), (row_b, b) in pairwise(ordered):
        if a.upper is None or b.lower < a.upper:
            found.append((row_b, TableProblem.OVERLAP, row_a))
        elif b.lower > a.upper:
            found.append((row_b, TableProblem.GAP, row_a))
    return found
