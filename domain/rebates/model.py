"""Rebate programs, their tier tables, accruals and settlements, and the port that keeps them.

A program runs for one period (a quarter or a year) and measures each dealer in its scope
on one basis: the sales amount, the quantity sold, or the share of its target achieved (in
percent). A tier holds from `lower` (inclusive) to `upper` (exclusive; None: no end) and pays
a rate (percent of the period's sales amount) or a fixed amount, at most `cap`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import DealerCode
from domain.shared.periods import Period


class Basis(StrEnum):
    TARGET_PERCENT = "target_percent"  # achieved / target, in percent
    AMOUNT = "amount"  # yuan of confirmed sales
    QUANTITY = "quantity"  # units of confirmed sales


@dataclass(frozen=True, slots=True)
class Scope:
    """Who and what a program covers; an empty tuple covers everything."""

    lines: tuple[str, ...] = ()  # product lines whose sales count
    regions: tuple[str, ...] = ()  # dealers authorised in one of these regions
    tiers: tuple[str, ...] = ()  # dealers of one of these dealer tiers

    def covers(self, tier: str, regions: Iterable[str]) -> bool:
        if self.tiers and tier not in self.tiers:
            return False
        return not self.regions or any(r in self.regions for r in regions)


@dataclass(frozen=True, slots=True)
class Tier:
    lower: Decimal  # inclusive, in the basis' unit
    upper: Decimal | None  # exclusive; None: no upper end
    rate: Decimal | None = None  # percent of the sales amount (3 = 3%)
    amount: Decimal | None = None  # a fixed rebate instead of a rate
    cap: Decimal | None = None  # the most this tier pays


@dataclass(frozen=True, slots=True)
class Program:
    id: int
    code: str
    period: Period
    basis: Basis
    scope: Scope
    tiers: tuple[Tier, ...]  # ordered by `lower`, contiguous
    # The policy's 扣留货款: a confirmed severe violation in the period withholds the rebate.
    withhold_on_severe: bool = True


@dataclass(frozen=True, slots=True)
class Sold:
    """A dealer's counted sales in a program's period (and scope): amount and units."""

    amount: Decimal
    quantity: int = 0


class SettlementState(StrEnum):
    PENDING = "pending"  # sent for approval
    CREDITED = "credited"  # approved and credited to the dealer
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class NewSettlement:
    program_id: int
    dealer: DealerCode
    achieved: Decimal  # in the basis' unit
    tier: int | None  # 1-based; None: below the first tier
    gross: Decimal
    deduction: Decimal  # withheld for a broken condition
    net: Decimal
    reason: str  # why a deduction was made ("" without one)


@dataclass(frozen=True, slots=True)
class Settlement:
    id: int
    program_id: int
    program_code: str
    period: str
    dealer: DealerCode
    achieved: Decimal
    tier: int | None
    gross: Decimal
    deduction: Decimal
    net: Decimal
    reason: str
    state: SettlementState
    request_id: int | None
    created_at: datetime
    credited_at: datetime | None


class RebateRepository(Protocol):
    def programs(self, periods: Sequence[Period]) -> list[Program]:
        """Programs running for one of `periods`, by code."""
        ...

    def ended_before(self, day) -> list[Program]:
        """Programs whose period ended before `day`."""
        ...

    def save_program(self, program: Program) -> tuple[int, bool]:
        """Create or replace (same code and period) a program with its tiers: (id, created)."""
        ...

    def sold(
        self, program: Program, dealers: Sequence[DealerCode] | None = None
    ) -> dict[DealerCode, Sold]:
        """Counted sales of each dealer in the program's period and scope (one aggregate)."""
        ...

    def eligible(self, program: Program) -> list[tuple[DealerCode, str, tuple[str, ...]]]:
        """Active dealers with their tier and authorised region codes (for the scope)."""
        ...

    def severe_violations(self, program: Program, tz: tzinfo) -> dict[DealerCode, int]:
        """Confirmed or penalized severe violations created in the program's period (its
        days in the business time zone `tz`)."""
        ...

    def add_settlement(self, new: NewSettlement, now: datetime) -> Settlement | None:
        """Draft a settlement; None (nothing added) when the dealer's is already drafted."""
        ...

    def settlement(self, id: int) -> Settlement | None: ...

    def settlements(self, period: Period) -> list[Settlement]: ...

    def link_request(self, id: int, request_id: int) -> None: ...

    def mark(self, id: int, state: SettlementState, now: datetime) -> bool:
        """Move a pending settlement to `state`; False when it was no longer pending."""
        ...
