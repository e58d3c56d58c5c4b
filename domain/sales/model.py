"""Sales and stock reports, price exceptions and violations: value types and their ports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NewType, Protocol

from domain.catalog.model import (
    Authorization,
    Contract,
    DealerCode,
    PricePolicy,
    Product,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.catalog.territory import RegionTree

SaleId = NewType("SaleId", int)
ViolationId = NewType("ViolationId", int)


class DuplicateSale(Exception):
    """A sale with this dedupe key was stored first (by a concurrent handler)."""


class SaleKind(StrEnum):
    RETAIL = "retail"  # a sale to a terminal, checked against the minimum terminal price
    TENDER = "tender"  # a bid won, checked against the minimum bid price


class SaleStatus(StrEnum):
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"  # kept for the record, counts for nothing
    CORRECTED = "corrected"  # replaced by the sale whose `corrects` points here


@dataclass(frozen=True, slots=True)
class SaleDraft:
    """What a dealer says they sold, before it is checked and stored."""

    dealer: DealerCode
    sku: Sku
    qty: int
    unit_price: Decimal
    terminal: TerminalCode
    sold_on: date
    kind: SaleKind = SaleKind.RETAIL
    source_text: str = ""  # the chat line or sheet row it came from: part of the evidence


@dataclass(frozen=True, slots=True)
class Sale:
    id: SaleId
    dealer: DealerCode
    sku: Sku
    qty: int
    unit_price: Decimal
    amount: Decimal
    kind: SaleKind
    terminal: TerminalCode
    sold_on: date
    status: SaleStatus
    reported_by: int | None
    created_at: datetime
    dedupe_key: str
    corrects: SaleId | None = None
    source_text: str = ""


@dataclass(frozen=True, slots=True)
class StockLevel:
    dealer: DealerCode
    sku: Sku
    qty: int
    as_of: date


@dataclass(frozen=True, slots=True)
class PriceException:
    """An approved lower floor for a product, for one dealer or (dealer None) for all."""

    sku: Sku
    min_price: Decimal
    validity: Validity
    approved_by: str
    dealer: DealerCode | None = None
    id: int | None = None
    qty_cap: int | None = None  # units it covers in all; None: no cap
    qty_used: int = 0  # units already sold under it
    terminal: TerminalCode | None = None  # the one terminal it was asked for; None: any

    def covers_qty(self, qty: int) -> bool:
        return self.qty_cap is None or self.qty_used + qty <= self.qty_cap


class ViolationType(StrEnum):
    PRICE_BELOW_TERMINAL_FLOOR = "price_below_terminal_floor"
    PRICE_BELOW_BID_FLOOR = "price_below_bid_floor"
    OUTSIDE_TERRITORY = "outside_territory"  # cross-region selling (窜货)
    LINE_NOT_AUTHORIZED = "line_not_authorized"
    AUTHORIZATION_EXPIRED = "authorization_expired"
    CONTRACT_EXPIRED = "contract_expired"


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    SEVERE = "severe"  # managers are told at once


class ViolationStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    PENALIZED = "penalized"
    # The sale was withdrawn or corrected while the violation was open: settled with it.
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class Penalty(StrEnum):
    """The policy's penalties, mildest first."""

    WARNING = "warning"
    FINE = "fine"
    WITHHOLD_PAYMENT = "withhold_payment"
    STOP_SUPPLY = "stop_supply"
    CONFISCATE_DEPOSIT = "confiscate_deposit"
    CANCEL_DEALERSHIP = "cancel_dealership"


@dataclass(frozen=True, slots=True)
class Breach:
    """One rule a sale breaks, as found by `compliance.check_sale`."""

    type: ViolationType
    severity: Severity
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Violation:
    id: ViolationId
    dealer: DealerCode
    sale_id: SaleId | None
    type: ViolationType
    severity: Severity
    evidence: dict[str, Any]
    status: ViolationStatus
    created_at: datetime
    penalty: Penalty | None = None
    note: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None
    penalty_amount: Decimal | None = None  # a fine's or a confiscation's, in yuan


@dataclass(frozen=True, slots=True)
class Draft:
    """A sale read from free text, waiting for the dealer's Confirm."""

    id: int
    dealer: DealerCode
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SaleFacts:
    """Everything the rules look at, gathered by the caller from its repositories."""

    product: Product
    terminal: Terminal
    prices: tuple[PricePolicy, ...]
    exceptions: tuple[PriceException, ...]
    authorizations: tuple[Authorization, ...]
    contracts: tuple[Contract, ...]
    tree: RegionTree


class SalesRepository(Protocol):
    def add(
        self,
        draft: SaleDraft,
        *,
        dedupe_key: str,
        reported_by: int | None,
        now: datetime,
        corrects: SaleId | None = None,
    ) -> Sale:
        """Store a confirmed sale; its dedupe key is unique (DuplicateSale if taken)."""
        ...

    def get(self, sale_id: SaleId) -> Sale | None: ...
    def by_dedupe_key(self, key: str) -> Sale | None: ...
    def set_status(self, sale_id: SaleId, status: SaleStatus) -> None: ...
    def list(
        self,
        dealers: Sequence[DealerCode],
        start: date | None = None,
        end: date | None = None,
        statuses: Sequence[SaleStatus] = (SaleStatus.CONFIRMED,),
        limit: int | None = None,
        lines: Sequence[str] | None = None,
    ) -> list[Sale]:
        """Sales of `dealers` sold between `start` and `end` (inclusive), oldest first."""
        ...

    def stream(
        self,
        dealers: Sequence[DealerCode],
        start: date,
        end: date,
        statuses: Sequence[SaleStatus],
        lines: Sequence[str] | None = None,
    ) -> Iterator[Sale]:
        """`list`'s sales, read in chunks as they are consumed (inside this transaction)."""
        ...

    def count(
        self,
        dealers: Sequence[DealerCode],
        start: date,
        end: date,
        statuses: Sequence[SaleStatus],
        lines: Sequence[str] | None = None,
    ) -> int:
        """How many `list` would return without a limit (one COUNT, no rows read)."""
        ...

    def qty_sold(
        self,
        dealers: Sequence[DealerCode] | None,
        start: date,
        end: date,
        lines: Sequence[str] | None = None,
    ) -> dict[tuple[DealerCode, Sku], int]:
        """Units of confirmed sales sold between `start` and `end` (inclusive) per dealer
        and product, summed in the database; `dealers` None: every dealer."""
        ...

    def facts(
        self, dealer: DealerCode, sku: Sku, terminal: TerminalCode
    ) -> tuple[Product | None, Terminal | None, SaleFacts | None]:
        """The product and terminal (None when unknown) and, when both are known, everything
        the policy checks of a sale look at: prices, exceptions, authorizations, contracts."""
        ...


class StockRepository(Protocol):
    def record(self, level: StockLevel, reported_by: int | None, now: datetime) -> None:
        """Store the dealer's stock of a product on a day (a later report that day replaces it)."""
        ...

    def latest(self, dealer: DealerCode) -> list[StockLevel]:
        """The latest level of every product the dealer reported."""
        ...

    def latest_levels(
        self,
        dealers: Sequence[DealerCode] | None,
        lines: Sequence[str] | None = None,
        on_or_before: date | None = None,
    ) -> list[StockLevel]:
        """The latest level (reported on or before `on_or_before`) of every dealer and
        product, by dealer and SKU; `dealers` None: every dealer; `lines`: those lines only."""
        ...


class DraftRepository(Protocol):
    """Sales waiting for the dealer's confirmation."""

    def save(self, dealer: DealerCode, data: dict[str, Any], now: datetime) -> Draft: ...
    def get(self, draft_id: int) -> Draft | None: ...
    def update(self, draft_id: int, data: dict[str, Any]) -> None: ...
    def recent(self, dealer: DealerCode, since: datetime) -> list[Draft]:
        """The dealer's drafts created at or after `since`, newest first."""
        ...


class ViolationRepository(Protocol):
    def add(
        self, dealer: DealerCode, sale_id: SaleId | None, breach: Breach, now: datetime
    ) -> Violation: ...
    def get(self, violation_id: ViolationId) -> Violation | None: ...
    def list(
        self,
        dealers: Sequence[DealerCode] | None,
        statuses: Sequence[ViolationStatus] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        lines: Sequence[str] | None = None,
        offset: int = 0,
    ) -> list[Violation]:
        """Violations of `dealers` (None: every dealer), newest first, created in [start,
        end) when given; from the `offset`-th, at most `limit`; `lines`: of sales of those
        product lines only."""
        ...

    def count(
        self,
        dealers: Sequence[DealerCode] | None,
        statuses: Sequence[ViolationStatus] | None = None,
        lines: Sequence[str] | None = None,
    ) -> int:
        """How many `list` would return without a limit."""
        ...

    def for_sale(self, sale_id: SaleId) -> list[Violation]: ...
    def for_sales(self, sale_ids: Sequence[SaleId]) -> list[Violation]:
        """The violations of these sales, by sale and id."""
        ...

    def settle_open(self, sale_id: SaleId, status: ViolationStatus) -> int:
        """Give the sale's open violations `status` (its withdrawal or correction); how many."""
        ...

    def decide(
        self,
        violation_id: ViolationId,
        status: ViolationStatus,
        penalty: Penalty | None,
        note: str,
        decided_by: str | None,
        at: datetime | None,
        amount: Decimal | None = None,
    ) -> Violation: ...
