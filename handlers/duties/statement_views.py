"""`statements DEALER`: a dealer's statements over the months, a trend chart, and a flag
where the statement's 存货 is further from the stock reported in chat than
`[duties] stock_tolerance` allows (chat stock valued at the supply price in force at the
month's end, from the levels reported during that month)."""

from __future__ import annotations

from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.duties.calendar import DutyPeriod
from domain.duties.model import Statement
from domain.duties.stock_gap import stock_differs, stock_gap
from domain.shared.money import multiply
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Reply
from handlers.core.registry import MARKETING, SALES_STAFF
from handlers.core.router import Router

MONTHS = 12


def reported_stock_value(ctx: Ctx, dealer: DealerCode, period: DutyPeriod) -> Decimal | None:
    """Chat-reported stock of the month valued at supply prices; None: none reported."""
    levels = [
        lv
        for lv in ctx.uow.stock.latest_levels([dealer], on_or_before=period.end)
        if lv.as_of >= period.start
    ]
    if not levels:
        return None
    total = Decimal("0.00")
    for level in levels:
        price = next(
            (p for p in ctx.uow.catalog.prices(level.sku) if p.validity.covers(period.end)), None
        )
        if price is not None:
            total += multiply(price.supply_price, level.qty)
    return total


def _line(ctx: Ctx, s: Statement, reported: Decimal | None) -> str:
    t, f = ctx.t, s.figures
    text = t(
        "statement.row",
        period=s.period,
        revenue=t.money(f.revenue),
        cost=t.money(f.cost),
        receivables=t.money(f.receivables),
        inventory=t.money(f.inventory),
        cash=t.money(f.cash),
    )
    if s.version > 1:
        text += t("statement.row_version", version=s.version)
    if stock_differs(f.inventory, reported, ctx.options.stock_tolerance):
        gap = stock_gap(f.inventory, reported or Decimal(0))
        text += "\n" + t(
            "statement.stock_flag",
            reported=t.money(reported or Decimal(0)),
            gap=t.percent(gap) if gap is not None else "-",
            tolerance=t.percent(ctx.options.stock_tolerance),
        )
    return text


def statements(ctx: Ctx) -> Reply:
    """A dealer's financial statements by month, with a trend chart and stock flags."""
    if not ctx.args:
        raise UserError("statement.view_usage")
    dealer = DealerCode(ctx.args[0].upper()[:40])
    ctx.check_dealer(dealer)
    found = ctx.uow.duties.statements(dealer, MONTHS)
    ctx.audit("statements.view", f"{dealer} rows={len(found)}")
    if not found:
        return Reply(ctx.t("statement.none", dealer=dealer))
    named = ctx.uow.catalog.dealer(dealer)
    lines = [ctx.t("statement.view_title", dealer=dealer, name=named.name if named else "")]
    flagged = 0
    for s in found:
        period = DutyPeriod.parse(s.period)
        reported = reported_stock_value(ctx, dealer, period)
        flagged += stock_differs(s.figures.inventory, reported, ctx.options.stock_tolerance)
        lines.append(_line(ctx, s, reported))
    if flagged:
        lines.append(ctx.t("statement.flagged", count=flagged))
    from handlers.duties.charts import statements_chart  # matplotlib on the first chart only

    chart = statements_chart(found, ctx.t, dealer)
    return Reply("\n".join(lines), image=Attachment(f"statements-{dealer}.png", chart, "image/png"))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        statements,
        "statements",
        roles=SALES_STAFF | MARKETING,
        example="/statements D001",
        aliases=("财务报表",),
    )
