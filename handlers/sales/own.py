"""sales [PERIOD]: a dealer's own reports of a period, each with its status and violations;
and the same answer to "我这个月报了哪些单？"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from domain.identity.actors import Role
from domain.sales.model import Sale, SaleStatus, Violation
from domain.shared.periods import Period, PeriodKind
from handlers.core.context import Ctx
from handlers.core.exports import period_window
from handlers.core.intents import asks_a_rule
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import DEALER
from handlers.core.router import Router
from handlers.sales.recording import product_label, terminal_label

MAX_LISTED = 30
_WORDS = {
    "本月": (PeriodKind.MONTH, 0),
    "这个月": (PeriodKind.MONTH, 0),
    "这月": (PeriodKind.MONTH, 0),
    "上月": (PeriodKind.MONTH, -1),
    "上个月": (PeriodKind.MONTH, -1),
    "本季度": (PeriodKind.QUARTER, 0),
    "这个季度": (PeriodKind.QUARTER, 0),
    "今年": (PeriodKind.YEAR, 0),
    "本年": (PeriodKind.YEAR, 0),
    "this month": (PeriodKind.MONTH, 0),
    "last month": (PeriodKind.MONTH, -1),
    "this quarter": (PeriodKind.QUARTER, 0),
    "this year": (PeriodKind.YEAR, 0),
}


def period_in_words(text: str, today: date) -> Period | None:
    """The period a sentence names ("上个月", "this year"), or None when it names none."""
    lowered = text.lower()
    for word, (kind, back) in sorted(_WORDS.items(), key=lambda w: -len(w[0])):
        if word in lowered:
            day = today if back == 0 else today.replace(day=1) - timedelta(days=1)
            return Period.containing(day, kind)
    return None


def _period(ctx: Ctx) -> Period:
    text = " ".join(ctx.args)
    named = period_in_words(text, ctx.today) if text else None
    if named is not None:
        return named
    return period_window(ctx, ctx.args[0] if ctx.args else None, PeriodKind.MONTH).period


def _violation_line(ctx: Ctx, v: Violation) -> str:
    return ctx.t(
        "own.sales.violation",
        id=v.id,
        type=ctx.t(f"violation.type.{v.type.value}"),
        severity=ctx.t(f"violation.severity.{v.severity.value}"),
        status=ctx.t(f"violation.status.{v.status.value}"),
    )


def _sale_line(ctx: Ctx, s: Sale) -> str:
    return ctx.t(
        "own.sales.line",
        id=s.id,
        day=ctx.t.date(s.sold_on),
        product=product_label(ctx, s.sku),
        qty=ctx.t.number(s.qty),
        price=ctx.t.money(s.unit_price),
        terminal=terminal_label(ctx, s.terminal),
        status=ctx.t(f"export.sales.status.{s.status.value}"),
    )


def own_sales(ctx: Ctx, period: Period) -> Reply:
    """The dealer's reports sold in `period`, newest first, each with its violations."""
    dealer = ctx.require_dealer()
    sales = ctx.uow.sales.list(
        [dealer], period.start, period.end, statuses=tuple(SaleStatus), limit=None
    )
    if not sales:
        return Reply(
            ctx.t("own.sales.none", period=str(period)),
            ((Button(ctx.t("own.sales.report_button"), "c:report"),),),
        )
    confirmed = [s for s in sales if s.status is SaleStatus.CONFIRMED]
    shown = sales[::-1][:MAX_LISTED]
    found: dict[object, list[Violation]] = {}
    for v in ctx.uow.violations.for_sales([s.id for s in shown]):
        found.setdefault(v.sale_id, []).append(v)
    lines = [
        ctx.t(
            "own.sales.title",
            period=str(period),
            count=len(sales),
            confirmed=len(confirmed),
            amount=ctx.t.money(sum((s.amount for s in confirmed), Decimal(0))),
        )
    ]
    for s in shown:
        lines.append(_sale_line(ctx, s))
        lines += [_violation_line(ctx, v) for v in found.get(s.id, [])]
    if len(sales) > MAX_LISTED:
        lines.append(ctx.t("own.sales.more", count=len(sales) - MAX_LISTED))
    lines.append(ctx.t("own.sales.hint"))
    return Reply("\n".join(lines))


def sales(ctx: Ctx) -> Reply:
    """Your own sales reports of a period (default this month) with status and violations."""
    return own_sales(ctx, _period(ctx))


_OWN = r"(我|我们|我司|本店|咱们?)"
_DONE = r"(报了|上报了?|卖了|卖出了?|售出了?|销售了|做了)"
_SALES_QUESTION = re.compile(
    rf"{_OWN}.{{0,8}}{_DONE}.{{0,4}}(哪些|什么|几|多少)"
    rf"|{_DONE}(哪些|几)(单|笔)"
    rf"|{_OWN}的?(销售|上报|报单)(记录|情况|明细|列表)"
    r"|\b(my|our) (sales|reports)\b|\bwhat (did|have) (i|we) (sell|sold|report)",
    re.IGNORECASE,
)


def sales_question(ctx: Ctx, text: str) -> Reply | None:
    """ "我这个月报了哪些单？" is answered with the dealer's own reports, not a policy clause."""
    if ctx.actor.role is not Role.DEALER or not _SALES_QUESTION.search(text):
        return None
    if asks_a_rule(text):
        return None
    period = period_in_words(text, ctx.today) or Period.containing(ctx.today, PeriodKind.MONTH)
    return own_sales(ctx, period)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        sales, "sales", roles=DEALER, example="/sales 2026-11", aliases=("我的销售", "销售记录")
    )
    router.text(sales_question, priority=25)
