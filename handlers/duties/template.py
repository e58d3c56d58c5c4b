"""`template financial [DEALER] [PERIOD]`: the company's statement template as an XLSX.

Two columns (item, amount) with the dealer's code and the month filled in, the five figures
to fill and two totals as formulas; `domain.duties.statements` reads it back.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from domain.catalog.model import Dealer, DealerCode
from domain.duties.calendar import Cadence, DutyPeriod, containing
from domain.duties.statements import LABELS
from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Reply
from handlers.core.registry import DEALER, MARKETING, SALES_STAFF
from handlers.core.router import Router
from handlers.core.workbooks import XLSX_MIME, inert_text

KINDS = frozenset({"financial", "财务", "财务报表"})


def last_month(today: date) -> DutyPeriod:
    return containing(today.replace(day=1) - timedelta(days=1), Cadence.MONTHLY)


def _label(t: Translator, name: str) -> str:
    zh, en = LABELS[name]
    return zh if t.locale != "en" else en.capitalize()


def _total(t: Translator, name: str, sign: str, *parts: str) -> str:
    """A total's label with how it is made: 毛利 (营业收入 - 营业成本)."""
    return f"{_label(t, name)} ({sign.join(_label(t, p) for p in parts)})"


def template_bytes(t: Translator, dealer: Dealer, period: DutyPeriod) -> bytes:
    from openpyxl import Workbook  # on the first template, not at start
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "statement"
    total = t("statement.template.total")
    ws.append(
        [t("statement.template.item"), t("statement.template.amount"), t("statement.template.note")]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([_label(t, "dealer_code"), dealer.code, t("statement.template.keep")])
    ws.append([t("statement.template.dealer_name"), inert_text(dealer.name), ""])
    ws.append([_label(t, "period"), period.label, t("statement.template.keep")])
    ws["B4"].number_format = "@"  # stays the text 2026-06, not a date
    for name in ("revenue", "cost"):
        ws.append([_label(t, name), None, t("statement.template.yuan")])
    ws.append([_total(t, "gross_profit", " - ", "revenue", "cost"), "=B5-B6", total])
    for name in ("receivables", "inventory", "cash"):
        ws.append([_label(t, name), None, t("statement.template.yuan")])
    parts = ("receivables", "inventory", "cash")
    ws.append([_total(t, "current_assets", " + ", *parts), "=B8+B9+B10", total])
    for row in range(5, 12):
        ws.cell(row, 2).number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 30
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _period(ctx: Ctx, text: str | None) -> DutyPeriod:
    if not text:
        return last_month(ctx.today)
    try:
        period = DutyPeriod.parse(text)
    except ValueError:
        period = None
    if period is None or period.cadence is not Cadence.MONTHLY:
        raise UserError(
            "statement.template_bad_period", value=text[:20], example=last_month(ctx.today).label
        )
    return period


def template(ctx: Ctx) -> Reply:
    """The financial statement template (XLSX) with your dealer code and the month."""
    args = list(ctx.args)
    if not args or args[0].lower() not in KINDS:
        raise UserError("statement.template_usage")
    args = args[1:]
    if ctx.actor.role is Role.DEALER:
        code = ctx.require_dealer()
    else:
        if not args:
            raise UserError("statement.template_usage")
        code = DealerCode(args.pop(0).upper()[:40])
        ctx.check_dealer(code)
    dealer = ctx.uow.catalog.dealer(code)
    if dealer is None:
        raise UserError("error.dealer_not_found", code=code)
    period = _period(ctx, args[0] if args else None)
    name = f"financial-{dealer.code}-{period.label}.xlsx"
    ctx.audit("statement.template", f"{dealer.code} {period.label}")
    return Reply(
        ctx.t("statement.template_ready", period=period.label, dealer=dealer.code),
        document=Attachment(name, template_bytes(ctx.t, dealer, period), XLSX_MIME),
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        template,
        "template",
        roles=DEALER | SALES_STAFF | MARKETING,
        example="/template financial",
        aliases=("模板",),
    )
