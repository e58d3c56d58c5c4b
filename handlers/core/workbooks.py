"""XLSX files for people to open in Excel: typed cells, inert text, written as a stream.

Written with openpyxl's write-only mode, row by row, so the time is linear in the rows (the
normal mode looked up the last row for every row: 8,000 rows took minutes, see
bench/exports.py). Column widths are decided before the first row, from the first 1,000.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cell formats by value type, so a reader can sum, sort and filter: money is a Decimal
# (two decimals), a date a date, a moment a naive business-local datetime.
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Column widths are judged on the first rows of a sheet (it may be a stream read once).
WIDTH_ROWS = 1000

# Text a spreadsheet program would read as a formula (or a DDE call) when it starts so.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 does not allow (openpyxl refuses a cell holding one).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ERROR_LITERALS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def inert_text(text: str) -> str:
    """`text` as it may go into a cell: never a formula, an error value or an illegal char.

    Text starting with = + - @ tab or CR gets a leading apostrophe, so it stays text also
    when the sheet is edited or saved again as CSV.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_LEADS) or text in ERROR_LITERALS:
        return "'" + text
    return text


def _number_format(value: Any) -> str | None:
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def _shown_width(value: Any) -> int:
    """About how many character widths Excel needs to show `value` (CJK counts two)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    widths = [_shown_width(name) for name in header]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            if (width := _shown_width(value)) > widths[i]:
                widths[i] = width
    return widths


def _cell(ws: Any, value: Any, typed: Any) -> Any:
    if isinstance(value, str):
        return inert_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    fmt = _number_format(value)
    if fmt is None:  # anything else is shown as its text
        return inert_text(str(value))
    cell = typed(ws, value)
    cell.number_format = fmt
    return cell


def workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: a frozen header row, then `rows`; every text cell is a string cell.

    `rows` may be a stream: it is read once, as it is written, and the column widths are
    taken from the header and the first `WIDTH_ROWS` rows."""
    # openpyxl loads on the first file written, not when the bot starts.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    # Wide enough for the header and the values (a too narrow date cell shows ####).
    stream = iter(rows)
    first = list(islice(stream, WIDTH_ROWS))
    for i, width in enumerate(_widths(header, first), start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, width + 2))
    ws.freeze_panes = "A2"
    ws.append([inert_text(str(name)) for name in header])
    for row in chain(first, stream):
        ws.append([_cell(ws, value, WriteOnlyCell) for value in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
