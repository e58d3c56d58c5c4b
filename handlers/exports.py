"""`export KIND [PERIOD]`: one command, a registry of XLSX exporters (sales, violations, ...).

A feature adds its kind with `@exporter("complaints", label_key=...)`; the function gets the
context and the period's bounds and returns rows; this module builds the workbook.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from domain.periods import Period, PeriodError, PeriodKind
from handlers.context import Ctx
from handlers.errors import UserError
from handlers.messages import Attachment, Button, Reply, button_rows
from handlers.registry import SALES_STAFF, SERVICE, command, require

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Window:
    period: Period
    start: datetime  # inclusive, business timezone midnight
    end: datetime  # exclusive


@dataclass(frozen=True, slots=True)
class Sheet:
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True, slots=True)
class Exporter:
    kind: str
    func: Callable[[Ctx, Window], Sheet]
    label_key: str  # catalog key naming the kind on its button
    default_period: PeriodKind


EXPORTERS: dict[str, Exporter] = {}


def exporter(
    kind: str, *, label_key: str, default_period: PeriodKind = PeriodKind.MONTH
) -> Callable[[Callable[[Ctx, Window], Sheet]], Callable[[Ctx, Window], Sheet]]:
    def register(func: Callable[[Ctx, Window], Sheet]) -> Callable[[Ctx, Window], Sheet]:
        if kind in EXPORTERS:
            raise ValueError(f"exporter {kind!r} registered twice")
        EXPORTERS[kind] = Exporter(kind, func, label_key, default_period)
        return func

    return register


def period_window(ctx: Ctx, text: str | None, default: PeriodKind) -> Window:
    """The named period (default: the current one of kind `default`) in business time."""
    try:
        period = Period.parse(text) if text else Period.containing(ctx.today, default)
    except PeriodError:
        raise UserError("export.bad_period", value=(text or "")[:20]) from None
    tz = ctx.options.tz
    start = datetime.combine(period.start, time(0), tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tz)
    return Window(period, start, end)


# Cell formats by value type, so a reader can sum, sort and filter: money is a Decimal
# (two decimals), a date a date, a moment a naive business-local datetime.
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


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
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def workbook(title: str, sheet: Sheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(sheet.header))
    widths = [_shown_width(name) for name in sheet.header]
    for row in sheet.rows:
        ws.append(list(row))
        for i, (cell, value) in enumerate(zip(ws[ws.max_row], row, strict=False)):
            if (fmt := _number_format(value)) is not None:
                cell.number_format = fmt
            if i < len(widths):
                widths[i] = max(widths[i], _shown_width(value))
    # Wide enough for the header and the values (a too narrow date cell shows ####).
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, width + 2))
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@command(
    "export",
    roles=SALES_STAFF | SERVICE,
    example="/export complaints 2026-07",
    aliases=("导出",),
    actions={"sales": SALES_STAFF, "violations": SALES_STAFF, "complaints": SERVICE},
)
def export(ctx: Ctx) -> Reply:
    """Download a spreadsheet (XLSX) of your regions: sales, violations or complaints."""
    kind = ctx.args[0].lower() if ctx.args else ""
    found = EXPORTERS.get(kind)
    if found is None:
        buttons = [Button(ctx.t(e.label_key), f"c:export {e.kind}") for e in EXPORTERS.values()]
        kinds = ", ".join(sorted(EXPORTERS))
        if kind:
            text = ctx.t("export.unknown", kind=ctx.args[0][:40], kinds=kinds)
        else:
            text = ctx.t("export.choose", kinds=kinds)
        return Reply(text, button_rows(buttons))
    require(ctx, "export", found.kind)
    window = period_window(ctx, ctx.args[1] if len(ctx.args) > 1 else None, found.default_period)
    sheet = found.func(ctx, window)
    ctx.audit(f"export:{kind}", f"{window.period} rows={len(sheet.rows)}")
    name = f"{kind}-{window.period}.xlsx"
    return Reply(
        ctx.t(
            "export.ready",
            kind=ctx.t(found.label_key),
            period=str(window.period),
            rows=len(sheet.rows),
        ),
        document=Attachment(name, workbook(kind, sheet), XLSX_MIME),
    )
