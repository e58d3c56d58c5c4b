"""The kinds of catalog import and their columns: how each cell is read and which record a
row becomes; `imports.parse_table` applies them to a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.catalog.import_cells import (
    alias_list,
    amount,
    basis,
    code,
    code_list,
    day,
    entry_kind,
    line_list,
    percent,
    period,
    rebate_period,
    record_id,
    role,
    scope,
    text,
)
from domain.catalog.model import (
    Authorization,
    Contract,
    Dealer,
    DealerCode,
    Manager,
    ManagerCode,
    PricePolicy,
    Product,
    ProductLine,
    Region,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.deposits.model import NewEntry
from domain.evaluation.model import MarketSize
from domain.rebates.model import Basis, Scope, Tier
from domain.shared.periods import Period


class ImportKind(StrEnum):
    REGIONS = "regions"
    TERMINALS = "terminals"
    PRODUCTS = "products"
    PRICES = "prices"
    DEALERS = "dealers"
    CONTRACTS = "contracts"
    AUTHORIZATIONS = "authorizations"
    TARGETS = "targets"
    MANAGERS = "managers"
    DEPOSITS = "deposits"  # deposit ledger entries: opening balances and history
    REBATES = "rebates"  # rebate programs, one row per tier
    BUDGETS = "budgets"  # fee budgets per period, region and optionally line or promotion
    MARKET_SIZES = "market_sizes"  # the market per region, product line and period


@dataclass(frozen=True, slots=True)
class TargetRecord:
    dealer_code: DealerCode
    period: Period
    amount: Decimal


@dataclass(frozen=True, slots=True)
class RebateTierRecord:
    program: str
    period: Period
    basis: Basis
    scope: Scope
    tier: Tier


@dataclass(frozen=True, slots=True)
class BudgetRecord:
    period: Period
    region_code: RegionCode
    line: ProductLine | None
    promotion_id: int | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = True  # the cell may not be empty
    in_header: bool = True  # the header must name the column
    default: Any = None


@dataclass(frozen=True, slots=True)
class KindSpec:
    columns: tuple[Column, ...]
    build: Callable[[dict[str, Any]], Any]
    key: Callable[[Any], tuple]
    key_columns: tuple[str, ...]


def _optional(name: str, parse: Callable[[str], Any], default: Any = None) -> Column:
    return Column(name, parse, required=False, in_header=False, default=default)


SPECS: dict[ImportKind, KindSpec] = {
    ImportKind.REGIONS: KindSpec(
        (
            Column("code", code),
            Column("name", text(200)),
            _optional("parent_code", code),
            _optional("name_en", text(200), ""),
        ),
        lambda v: Region(RegionCode(v["code"]), v["name"], v["parent_code"], v["name_en"]),
        lambda r: (r.code,),
        ("code",),
    ),
    ImportKind.TERMINALS: KindSpec(
        (
            Column("code", code),
            Column("name", text(200)),
            Column("region_code", code),
            _optional("name_en", text(200), ""),
        ),
        lambda v: Terminal(
            TerminalCode(v["code"]), v["name"], RegionCode(v["region_code"]), v["name_en"]
        ),
        lambda t: (t.code,),
        ("code",),
    ),
    ImportKind.PRODUCTS: KindSpec(
        (
            Column("sku", code),
            Column("name", text(200)),
            Column("line", code),
            _optional("aliases", alias_list, ()),
            _optional("name_en", text(200), ""),
        ),
        lambda v: Product(
            Sku(v["sku"]), v["name"], ProductLine(v["line"]), v["aliases"], v["name_en"]
        ),
        lambda p: (p.sku,),
        ("sku",),
    ),
    ImportKind.PRICES: KindSpec(
        (
            Column("sku", code),
            Column("supply_price", amount),
            Column("min_terminal_price", amount),
            Column("min_bid_price", amount),
            Column("valid_from", day),
            _optional("valid_to", day),
        ),
        lambda v: PricePolicy(
            Sku(v["sku"]),
            v["supply_price"],
            v["min_terminal_price"],
            v["min_bid_price"],
            Validity(v["valid_from"], v["valid_to"]),
        ),
        lambda p: (p.sku, p.validity.valid_from),
        ("sku", "valid_from"),
    ),
    ImportKind.DEALERS: KindSpec(
        (
            Column("code", code),
            Column("name", text(200)),
            _optional("legal_rep", text(100), ""),
            _optional("phone", text(40), ""),
            _optional("tier", text(20), ""),
            _optional("credit_rating", text(20), ""),
            _optional("deposit", amount, Decimal("0.00")),
            _optional("since", day),
        ),
        lambda v: Dealer(
            DealerCode(v["code"]),
            v["name"],
            v["legal_rep"],
            v["phone"],
            v["tier"],
            v["credit_rating"],
            v["deposit"],
            v["since"],
        ),
        lambda d: (d.code,),
        ("code",),
    ),
    ImportKind.CONTRACTS: KindSpec(
        (
            Column("dealer_code", code),
            Column("start", day),
            Column("end", day),
            Column("annual_target", amount),
            Column("deposit", amount),
            Column("franchise_fee", amount),
        ),
        lambda v: Contract(
            DealerCode(v["dealer_code"]),
            v["start"],
            v["end"],
            v["annual_target"],
            v["deposit"],
            v["franchise_fee"],
        ),
        lambda c: (c.dealer_code, c.start),
        ("dealer_code", "start"),
    ),
    ImportKind.AUTHORIZATIONS: KindSpec(
        (
            Column("dealer_code", code),
            Column("region_code", code, required=False),
            Column("terminal_code", code, required=False),
            Column("line", code),
            Column("valid_from", day),
            _optional("valid_to", day),
        ),
        lambda v: Authorization(
            DealerCode(v["dealer_code"]),
            ProductLine(v["line"]),
            Validity(v["valid_from"], v["valid_to"]),
            v["region_code"],
            v["terminal_code"],
        ),
        lambda a: (a.dealer_code, a.region_code, a.terminal_code, a.line),
        ("dealer_code", "region_code", "terminal_code", "line"),
    ),
    ImportKind.TARGETS: KindSpec(
        (Column("dealer_code", code), Column("period", period), Column("amount", amount)),
        lambda v: TargetRecord(DealerCode(v["dealer_code"]), v["period"], v["amount"]),
        lambda t: (t.dealer_code, str(t.period)),
        ("dealer_code", "period"),
    ),
    ImportKind.MANAGERS: KindSpec(
        (
            Column("code", code),
            Column("name", text(200)),
            Column("role", role),
            _optional("region_codes", code_list, ()),
            _optional("lines", line_list, ()),
        ),
        lambda v: Manager(
            ManagerCode(v["code"]), v["name"], v["role"], v["region_codes"], v["lines"]
        ),
        lambda m: (m.code,),
        ("code",),
    ),
    ImportKind.DEPOSITS: KindSpec(
        (
            Column("dealer_code", code),
            Column("kind", entry_kind),
            Column("amount", amount),
            Column("date", day),
            _optional("note", text(500), ""),
        ),
        lambda v: NewEntry(
            DealerCode(v["dealer_code"]),
            v["kind"],
            v["amount"],
            v["date"],
            v["note"],
            "import",
            "import",
            # the same row imported again is the same entry; two equal rows are one mistake
            f"import:{v['dealer_code']}:{v['kind']}:{v['date']}:{v['amount']}:{v['note']}",
        ),
        lambda e: (e.key,),
        ("dealer_code", "kind", "amount", "date", "note"),
    ),
    ImportKind.REBATES: KindSpec(
        (
            Column("program", code),
            Column("period", rebate_period),
            Column("basis", basis),
            _optional("scope", scope, Scope()),
            Column("tier_from", amount),
            _optional("tier_to", amount),
            _optional("rate", percent),
            _optional("amount", amount),
            _optional("cap", amount),
        ),
        lambda v: RebateTierRecord(
            v["program"],
            v["period"],
            v["basis"],
            v["scope"],
            Tier(v["tier_from"], v["tier_to"], v["rate"], v["amount"], v["cap"]),
        ),
        lambda r: (r.program, str(r.period), r.tier.lower),
        ("program", "period", "tier_from"),
    ),
    ImportKind.BUDGETS: KindSpec(
        (
            Column("period", period),
            Column("region_code", code),
            Column("line", code, required=False),
            Column("promotion_id", record_id, required=False),
            Column("amount", amount),
        ),
        lambda v: BudgetRecord(
            v["period"],
            RegionCode(v["region_code"]),
            ProductLine(v["line"]) if v["line"] else None,
            v["promotion_id"],
            v["amount"],
        ),
        lambda b: (str(b.period), b.region_code, b.line or "", b.promotion_id or 0),
        ("period", "region_code", "line", "promotion_id"),
    ),
    ImportKind.MARKET_SIZES: KindSpec(
        (
            Column("region_code", code),
            Column("line", text(64)),
            Column("period", period),
            Column("amount", amount),
        ),
        lambda v: MarketSize(v["region_code"], v["line"], v["period"], v["amount"]),
        lambda m: (m.region, m.line, str(m.period)),
        ("region_code", "line", "period"),
    ),
}


def columns_of(kind: ImportKind) -> list[str]:
    return [c.name for c in SPECS[kind].columns]
