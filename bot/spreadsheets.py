"""Reading uploaded tables: CSV (UTF-8, with or without BOM) or the first sheet of an XLSX.

`read_table` returns the header and every non-blank data row as text cells, each row with its
number as the user sees it in a spreadsheet program (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from domain.catalog.imports import Problem, RowError, Table
from handlers.core.xlsx_reader import XlsxTooLarge, XlsxTooManyRows, XlsxUnreadable, xlsx_rows

_ZIP_MAGIC = b"PK\x03\x04"
# An import is run by an operator, not a chat user, but a file from elsewhere is no more
# trustworthy: a 0.1 MB XLSX can hold a million rows. Lines include blank ones.
MAX_LINES = 500_000
MAX_UNPACKED_MB = 64  # 20,000 terminals are about 2 MB


class SpreadsheetError(ValueError):
    """The file cannot be read as a table; `error` says why (row 0 = the whole file)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.problem.value)
        self.error = error


def read_table_file(path: Path) -> Table:
    return read_table(path.read_bytes(), path.name)


def read_table(content: bytes, filename: str = "") -> Table:
    if not content.strip():
        raise SpreadsheetError(RowError(0, "", Problem.EMPTY_FILE))
    if content.startswith(_ZIP_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    numbered = [(n, cells) for n, cells in rows if any(cells)]
    if not numbered:
        raise SpreadsheetError(RowError(0, "", Problem.EMPTY_FILE))
    (_, header), *data = numbered
    return Table([h.strip().lstrip("\ufeff") for h in header], data)


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise SpreadsheetError(
            RowError(line, "", Problem.NOT_UTF8, {"offset": exc.start})
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(reader.line_num, [c.strip() for c in cells]) for cells in reader]
    except csv.Error as exc:
        raise SpreadsheetError(
            RowError(reader.line_num, "", Problem.UNREADABLE, {"detail": str(exc)})
        ) from None


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        return [
            (n, [_cell_text(v) for v in values])
            for n, values in enumerate(
                xlsx_rows(content, max_unpacked=MAX_UNPACKED_MB << 20, max_rows=MAX_LINES),
                start=1,
            )
        ]
    except XlsxTooLarge as exc:
        detail = (
            f"it unpacks to {exc.unpacked >> 20} MB, more than the {MAX_UNPACKED_MB} MB "
            "an import may be; split it into several files"
        )
    except XlsxTooManyRows:
        detail = f"it has more than {MAX_LINES:,} rows; split it into several files"
    except XlsxUnreadable as exc:
        detail = str(exc)
    raise SpreadsheetError(RowError(0, "", Problem.UNREADABLE, {"detail": detail}))


def _cell_text(value: object) -> str:
    """Cells as the user typed them: 3500.0 -> "3500", a date cell -> "2026-01-01"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value).strip()
