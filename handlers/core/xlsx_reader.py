"""The rows of an XLSX file nobody vouched for, read with bounded work.

An XLSX is a zip of XML: a 0.09 MB file can hold 200,000 rows, a row numbered 10^9 makes a
reader invent every row before it, and a cell in column XFD every column before that. So
the unpacked size is checked from the zip directory before anything is parsed, rows are
streamed (openpyxl's read-only mode) and the reading stops at a row limit, and only the
first `MAX_COLUMNS` columns are read. The caller decides the limits.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

MAX_COLUMNS = 64  # every sheet the bot reads has a dozen at most


class XlsxTooLarge(ValueError):
    def __init__(self, unpacked: int, limit: int) -> None:
        super().__init__(f"unpacks to {unpacked} bytes, more than {limit}")
        self.unpacked = unpacked
        self.limit = limit


class XlsxTooManyRows(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} rows")
        self.limit = limit


class XlsxUnreadable(ValueError):
    """Not a workbook, or a damaged one (the message says what the parser found)."""


def unpacked_size(content: bytes) -> int:
    """The sum of the members' sizes as the zip directory declares them.

    Python's zipfile never inflates a member past its declared size, so this bounds the
    bytes any parser of the file will see.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxUnreadable(f"not an XLSX workbook ({exc})") from None


def xlsx_rows(content: bytes, *, max_unpacked: int, max_rows: int) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows, blank ones included, numbered from 1 by position.

    Raises XlsxTooLarge before parsing, XlsxTooManyRows once the sheet goes past row
    `max_rows`, XlsxUnreadable for anything the parser cannot read.
    """
    size = unpacked_size(content)
    if size > max_unpacked:
        raise XlsxTooLarge(size, max_unpacked)
    from openpyxl import load_workbook  # loaded on the first file read, not at start

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise XlsxUnreadable(f"not an XLSX workbook ({exc})") from None
    try:
        if not book.worksheets:
            raise XlsxUnreadable("the workbook has no sheet")
        sheet = book.worksheets[0]
        # One row more than allowed: openpyxl stops there, so seeing it means "too many".
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        rows = sheet.iter_rows(max_row=max_rows + 1, max_col=width, values_only=True)
        for number, row in enumerate(_parsed(rows), start=1):
            if number > max_rows:
                raise XlsxTooManyRows(max_rows)
            yield row
    finally:
        book.close()


def _parsed(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    try:
        yield from rows
    except Exception as exc:  # as above: a damaged sheet fails in many ways
        raise XlsxUnreadable(f"damaged sheet ({exc})") from None
