"""Catalog imports, the pure part: a table of text cells in, typed records or row errors out.

Reading the file (CSV, XLSX) happens at the edge; checking references against what is stored
and writing happen in `storage`. Errors are data (row, column, problem, params) so each shell
can word them in its own language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.catalog.import_cells import (
    FieldError,
    Problem,
)
from domain.catalog.import_kinds import SPECS, ImportKind, KindSpec, columns_of


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
class ParsedImport:
    kind: ImportKind
    records: list[tuple[int, Any]]  # (row number, catalog record)
    errors: list[RowError]


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
    if kind is ImportKind.REBATES and (values.get("rate") is None) == (
        values.get("amount") is None
    ):
        found.append(("rate", Problem.RATE_OR_AMOUNT))
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
