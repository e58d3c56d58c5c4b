"""Rows of an uploaded spreadsheet (UTF-8 CSV or the first sheet of an XLSX), as text.

Headers are matched case-insensitively, with a few Chinese synonyms; cell values become
strings (dates as YYYY-MM-DD) so the feature reading them validates one way for both formats.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

MAX_ROWS = 5000


class SheetError(ValueError):
    """The file cannot be read as a sheet; `key` is the catalog message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def is_sheet(filename: str) -> bool:
    return filename.lower().endswith((".csv", ".xlsx"))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Spreadsheet numbers arrive as floats; their shortest repr is what the user typed.
        text = repr(value)
        return str(int(value)) if value.is_integer() else str(Decimal(text))
    return str(value).strip()


def _table(filename: str, content: bytes) -> list[list[str]]:
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SheetError("sheet.not_utf8") from exc
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError("sheet.unreadable") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(
    filename: str, content: bytes, synonyms: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The canonical column names found, and (line number, {column: value}) per data row.

    `synonyms` maps each canonical column to the headers that mean it. Blank rows are skipped.
    """
    table = _table(filename, content)
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        raise SheetError("sheet.empty")
    lookup = {
        alias.casefold(): canon
        for canon, aliases in synonyms.items()
        for alias in (canon, *aliases)
    }
    header = [lookup.get(h.strip().casefold(), "") for h in table[0]]
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        rows.append((number, {h: v.strip() for h, v in zip(header, raw, strict=False) if h}))
        if len(rows) > MAX_ROWS:
            raise SheetError("sheet.too_many_rows", max=MAX_ROWS)
    return [h for h in header if h], rows
