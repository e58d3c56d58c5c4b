"""Catalog imports, the pure part: a table of text cells in, typed records or row errors out.

Reading the file (CSV, XLSX) happens at the edge; checking references against what is stored
and writing happen in `storage`. Errors are data (row, column, problem, params) so each shell
can word them in its own language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.catalog.import_cells import (
    FieldError,
    Problem,
    alias_list,
    amount,
    code,
    code_list,
    day,
    line_list,
    period,
    role,
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


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong where: `row` is the spreadsheet row number (header = 1; 0 = whole file)."""

    row: int
    column: str
    problem: Problem
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Table:
    """A header and data rows of text cells, each row with its number in the source file."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass(frozen=True, slots=True)
class TargetRecord:
    dealer_code: DealerCode
    period: Period
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ParsedImport:
    kind: ImportKind
    records: list[tuple[int, Any]]  # (row number, catalog record)
    errors: list[RowError]


# -- kinds -----------------------------------------------------------------------------------


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
        (Column("code", code), Column("name", text(200)), _optional("parent_code", code)),
        lambda v: Region(RegionCode(v["code"]), v["name"], v["parent_code"]),
        lambda r: (r.code,),
        ("code",),
    ),
    ImportKind.TERMINALS: KindSpec(
        (Column("code", code), Column("name", text(200)), Column("region_code", code)),
        lambda v: Terminal(TerminalCode(v["code"]), v["name"], RegionCode(v["region_code"])),
        lambda t: (t.code,),
        ("code",),
    ),
    ImportKind.PRODUCTS: KindSpec(
        (
            Column("sku", code),
            Column("name", text(200)),
            Column("line", code),
            _optional("aliases", alias_list, ()),
        ),
        lambda v: Product(Sku(v["sku"]), v["name"], ProductLine(v["line"]), v["aliases"]),
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
}


def columns_of(kind: ImportKind) -> list[str]:
    return [c.name for c in SPECS[kind].columns]


def _row_checks(kind: ImportKind, values: dict[str, Any]) -> list[tuple[str, Problem]]:
    """Rules that span cells of one row."""
    found: list[tuple[str, Problem]] = []
    for start, end in (("valid_from", "valid_to"), ("start", "end")):
        first, last = values.get(start), values.get(end)
        if first is not None and last is not None and last < first:
            found.append((end, Problem.DATES_REVERSED))
    if kind is ImportKind.AUTHORIZATIONS and (
        (values.get("region_code") is None) == (values.get("terminal_code") is None)
    ):
        found.append(("region_code", Problem.REGION_OR_TERMINAL))
    return found


def _header_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().lower()
        if key and key not in index:
            index[key] = i
    return index


def parse_table(kind: ImportKind, table: Table) -> ParsedImport:
    """Type every row of `table` as records of `kind`; collect every error, row by row."""
    spec = SPECS[kind]
    index = _header_index(table.header)
    missing = [c.name for c in spec.columns if c.in_header and c.name not in index]
    if missing:
        errors = [
            RowError(1, m, Problem.MISSING_COLUMN, {"expected": ",".join(columns_of(kind))})
            for m in missing
        ]
        return ParsedImport(kind, [], errors)
    if not table.rows:
        return ParsedImport(kind, [], [RowError(0, "", Problem.NO_ROWS)])

    records: list[tuple[int, Any]] = []
    errors: list[RowError] = []
    first_row_of: dict[tuple, int] = {}
    for row_no, cells in table.rows:
        values, row_errors = _parse_cells(spec, index, row_no, cells)
        if not row_errors:
            row_errors = [RowError(row_no, col, p) for col, p in _row_checks(kind, values)]
        if row_errors:
            errors.extend(row_errors)
            continue
        record = spec.build(values)
        key = spec.key(record)
        if key in first_row_of:
            errors.append(
                RowError(
                    row_no,
                    spec.key_columns[0],
                    Problem.DUPLICATE,
                    {"key": "/".join(str(k) for k in key if k), "first_row": first_row_of[key]},
                )
            )
            continue
        first_row_of[key] = row_no
        records.append((row_no, record))
    return ParsedImport(kind, records, errors)


def _parse_cells(
    spec: KindSpec, index: dict[str, int], row_no: int, cells: list[str]
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for col in spec.columns:
        pos = index.get(col.name)
        raw = cells[pos].strip() if pos is not None and pos < len(cells) else ""
        if not raw:
            if col.required:
                errors.append(RowError(row_no, col.name, Problem.REQUIRED))
            values[col.name] = col.default
            continue
        try:
            values[col.name] = col.parse(raw)
        except FieldError as exc:
            errors.append(RowError(row_no, col.name, exc.problem, {"value": raw, **exc.params}))
    return values, errors


def region_cycles(parents: Mapping[str, str | None], codes: Iterable[str]) -> dict[str, list[str]]:
    """For each of `codes` whose parent chain loops back to itself, that loop."""
    loops: dict[str, list[str]] = {}
    for start in codes:
        chain = [start]
        current = parents.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current == start:
            loops[start] = [*chain, start]
    return loops
