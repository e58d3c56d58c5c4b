"""The catalog the policy speaks of: regions, terminals, products, prices, dealers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NewType

RegionCode = NewType("RegionCode", str)
TerminalCode = NewType("TerminalCode", str)
Sku = NewType("Sku", str)
DealerCode = NewType("DealerCode", str)
ManagerCode = NewType("ManagerCode", str)
ProductLine = NewType("ProductLine", str)


class DealerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # supply stopped
    TERMINATED = "terminated"


class ManagerRole(StrEnum):
    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    REGIONAL_DIRECTOR = "regional_director"
    PRODUCT_LINE_MANAGER = "product_line_manager"
    SERVICE_AGENT = "service_agent"
    MARKETING_DIRECTOR = "marketing_director"
    MARKETING_ADMIN = "marketing_admin"


@dataclass(frozen=True, slots=True)
class Validity:
    """A closed date range; `valid_to=None` means open-ended."""

    valid_from: date
    valid_to: date | None = None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Region:
    code: RegionCode
    name: str
    parent_code: RegionCode | None = None
    name_en: str = ""  # optional; English replies show it when set


@dataclass(frozen=True, slots=True)
class Terminal:
    code: TerminalCode
    name: str
    region_code: RegionCode
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Product:
    sku: Sku
    name: str
    line: ProductLine
    aliases: tuple[str, ...] = ()
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class PricePolicy:
    sku: Sku
    supply_price: Decimal
    min_terminal_price: Decimal
    min_bid_price: Decimal
    validity: Validity

    def floor(self, tender: bool) -> Decimal:
        """The lowest price allowed: the bid floor for a tender sale, else the terminal floor."""
        return self.min_bid_price if tender else self.min_terminal_price


@dataclass(frozen=True, slots=True)
class Dealer:
    code: DealerCode
    name: str
    legal_rep: str = ""
    phone: str = ""
    tier: str = ""
    credit_rating: str = ""
    deposit: Decimal = Decimal("0.00")
    since: date | None = None
    status: DealerStatus = DealerStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class Contract:
    dealer_code: DealerCode
    start: date
    end: date
    annual_target: Decimal
    deposit: Decimal
    franchise_fee: Decimal


@dataclass(frozen=True, slots=True)
class Authorization:
    """A dealer may sell `line` to `terminal_code`, or anywhere under `region_code`."""

    dealer_code: DealerCode
    line: ProductLine
    validity: Validity
    region_code: RegionCode | None = None
    terminal_code: TerminalCode | None = None


@dataclass(frozen=True, slots=True)
class Manager:
    code: ManagerCode
    name: str
    role: ManagerRole
    region_codes: tuple[RegionCode, ...] = field(default_factory=tuple)
    lines: tuple[ProductLine, ...] = ()  # a product-line manager's lines; empty: every line
