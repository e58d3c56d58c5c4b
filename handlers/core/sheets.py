"""Rows of an uploaded spreadsheet (UTF-8 CSV or the first sheet of an XLSX), as text.

Headers are matched case-insensitively, with a few Chinese synonyms; cell values become
strings (dates as YYYY-MM-DD) so the feature reading them validates one way for both formats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from handlers.core.messages import Attachment
from handlers.core.xlsx_reader import XlsxTooLarge, XlsxTooManyRows, XlsxUnreadable, xlsx_rows

MAX_ROWS = 5000
# Lines read at most, blank ones included (a sheet may space its rows out a little).
MAX_LINES = 2 * MAX_ROWS
# What an XLSX may unpack to: MAX_ROWS rows of the six columns are about 1.5 MB. Reading
# costs about 0.2 s per MB (openpyxl reads a sheet without a size tag twice).
MAX_UNPACKED_MB = 6


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


def _lines(filename: str, content: bytes) -> Iterator[list[str]]:
    """The sheet's lines as text cells, streamed; raises SheetError past the limits."""
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SheetError("sheet.not_utf8") from exc
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if number > MAX_LINES:
                raise SheetError("sheet.too_many_rows", max=MAX_ROWS)
            yield [c.strip() for c in row]
        return
    rows = xlsx_rows(content, max_unpacked=MAX_UNPACKED_MB << 20, max_rows=MAX_LINES)
    try:
        for row in rows:
            yield [_cell(v) for v in row]
    except XlsxTooLarge as exc:
        size = max(MAX_UNPACKED_MB + 1, exc.unpacked >> 20)
        raise SheetError("sheet.too_large", size=size, max=MAX_UNPACKED_MB, rows=MAX_ROWS) from None
    except XlsxTooManyRows:
        raise SheetError("sheet.too_many_rows", max=MAX_ROWS) from None
    except XlsxUnreadable as exc:
        raise SheetError("sheet.unreadable") from exc


@dataclass(frozen=True, slots=True)
class SheetTable:
    """The header line and the non-blank data lines (line number, cells) of a sheet."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(filename: str, content: bytes) -> SheetTable:
    """The sheet as text cells, within MAX_ROWS and the size cap; SheetError otherwise.

    This is the slow part (up to about a second); `Conversation` does it before its database
    transaction, so other users are not kept waiting for the write lock.
    """
    lines = _lines(filename, content)
    number, first = 0, []
    for first in lines:  # leading blank lines are not the header
        number += 1
        if any(first):
            break
    if not any(first):
        raise SheetError("sheet.empty")
    rows: list[tuple[int, list[str]]] = []
    for line, raw in enumerate(lines, start=number + 1):
        if not any(c.strip() for c in raw):
            continue
        rows.append((line, raw))
        if len(rows) > MAX_ROWS:
            raise SheetError("sheet.too_many_rows", max=MAX_ROWS)
    return SheetTable(first, rows)


def read_upload(file: Attachment | None) -> SheetTable | SheetError | None:
    """The table of an uploaded sheet, the reason it cannot be read, or None (not a sheet)."""
    if file is None or not is_sheet(file.filename):
        return None
    try:
        return read_table(file.filename, file.content)
    except SheetError as err:
        return err


def named_rows(
    table: SheetTable, synonyms: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The canonical column names found, and (line number, {column: value}) per data row.

    `synonyms` maps each canonical column to the headers that mean it.
    """
    lookup = {
        alias.casefold(): canon
        for canon, aliases in synonyms.items()
        for alias in (canon, *aliases)
    }
    header = [lookup.get(h.strip().casefold(), "") for h in table.header]
    rows = [
        (line, {h: v.strip() for h, v in zip(header, raw, strict=False) if h})
        for line, raw in table.rows
    ]
    return [h for h in header if h], rows
