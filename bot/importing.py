"""`dealerbot import KIND FILE`: read the file, store it all or nothing, report in plain words."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.spreadsheets import SpreadsheetError, read_table_file
from domain.catalog.import_kinds import ImportKind, columns_of
from domain.catalog.imports import Problem, RowError
from storage.catalog.importer import ImportResult, import_table

# Files at least this long get a progress bar.
PROGRESS_FROM_ROWS = 500

MESSAGES: dict[Problem, str] = {
    Problem.NOT_UTF8: (
        "the file is not UTF-8 text (first bad byte at offset {offset}); "
        'save it as "CSV UTF-8" or as XLSX'
    ),
    Problem.EMPTY_FILE: "the file is empty; expected a header row: {expected}",
    Problem.NO_ROWS: "the file has a header but no data rows",
    Problem.UNREADABLE: "the file cannot be read: {detail}",
    Problem.MISSING_COLUMN: "missing column {column!r}; the header must name: {expected}",
    Problem.REQUIRED: "{column} is required",
    Problem.TOO_LONG: "{value!r} is longer than {max} characters",
    Problem.BAD_CODE: "{value!r} is not a valid code (no spaces, '|', ',' or ';')",
    Problem.BAD_AMOUNT: "{value!r} is not an amount of money (write e.g. 3500 or 3500.50)",
    Problem.NEGATIVE_AMOUNT: "negative amount {value}; amounts must be 0 or more",
    Problem.AMOUNT_TOO_LARGE: "amount {value} is larger than {max}",
    Problem.BAD_DATE: "{value!r} is not a date (write YYYY-MM-DD, e.g. 2026-07-01)",
    Problem.BAD_PERIOD: "{value!r} is not a period (write 2026, 2026-Q3 or 2026-07)",
    Problem.BAD_ROLE: "unknown role {value!r}; use one of: {allowed}",
    Problem.BAD_ENTRY_KIND: "unknown deposit entry kind {value!r}; use one of: {allowed}",
    Problem.BAD_REBATE_PERIOD: "{value!r}: a rebate program runs for a quarter or a year "
    "(write 2026 or 2026-Q3)",
    Problem.BAD_BASIS: "unknown rebate basis {value!r}; use one of: {allowed}",
    Problem.BAD_ID: "{value!r} is not a record number (write e.g. 7)",
    Problem.BAD_SCOPE: "{value!r} is not a scope (write e.g. line=A|B; region=EAST; tier=gold)",
    Problem.RATE_OR_AMOUNT: "give either rate (percent) or amount (fixed), exactly one",
    Problem.TIER_EMPTY: "program {program}: tier_to is not above tier_from",
    Problem.TIER_GAP: "program {program}: a gap between this tier and row {other_row} "
    "(each tier_from must equal the tier_to below it)",
    Problem.TIER_OVERLAP: "program {program}: this tier overlaps row {other_row}",
    Problem.PROGRAM_MISMATCH: "program {program}: basis and scope differ from row {first_row}",
    Problem.DATES_REVERSED: "{column} is before the start date",
    Problem.REGION_OR_TERMINAL: "give either region_code or terminal_code (exactly one)",
    Problem.DUPLICATE: "duplicate {column} {key!r} (first given on row {first_row})",
    Problem.UNKNOWN_REGION: "unknown region {value!r} (import regions first)",
    Problem.UNKNOWN_TERMINAL: "unknown terminal {value!r} (import terminals first)",
    Problem.UNKNOWN_PRODUCT: "unknown product {value!r} (import products first)",
    Problem.UNKNOWN_DEALER: "unknown dealer {value!r} (import dealers first)",
    Problem.UNKNOWN_LINE: "no product has line {value!r} (import products first)",
    Problem.UNKNOWN_PROMOTION: "unknown promotion {value!r} (create it with /promo first)",
    Problem.REGION_CYCLE: "region parents form a loop: {cycle}",
}


def describe(error: RowError, kind: ImportKind) -> str:
    params = {"expected": ",".join(columns_of(kind)), "column": error.column, **error.params}
    try:
        text = MESSAGES[error.problem].format(**params)
    except (KeyError, IndexError):
        text = error.problem.value
    if error.row == 0:
        return text
    where = f"row {error.row}" + (f", column {error.column}" if error.column else "")
    return f"{where}: {text}"


def run_import(
    uow_factory, kind: ImportKind, path: Path, console: Console, *, dry_run: bool = False
) -> ImportResult:
    """Import `path`; the returned result carries every error (nothing is stored then)."""
    try:
        table = read_table_file(path)
    except SpreadsheetError as exc:
        return ImportResult(kind, 0, errors=[exc.error])
    if len(table.rows) < PROGRESS_FROM_ROWS:
        return import_table(uow_factory, kind, table, dry_run=dry_run)
    with Progress(
        TextColumn(f"importing {kind.value}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(kind.value, total=len(table.rows))
        return import_table(
            uow_factory, kind, table, lambda n: bar.advance(task, n), dry_run=dry_run
        )


def summary(result: ImportResult, dry_run: bool = False) -> str:
    verb = "checked" if dry_run else "imported"
    tail = " (dry run: nothing stored)" if dry_run else ""
    return (
        f"{verb} {result.rows} {result.kind.value} rows: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged{tail}"
    )
