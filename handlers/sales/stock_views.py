"""Stock as reported, with days of cover at the recent sales pace: a dealer's own (`stock`
without arguments, "我的库存"), one dealer's for a manager (`stock DEALER`), a region's
(`stocks [REGION]`) and the spreadsheet (`export stock`). Always within the reader's scope."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from domain.catalog.model import DealerCode, RegionCode
from domain.identity.actors import Role
from domain.sales.cover import Cover, covers, pace_window
from handlers.catalog.people import visible_dealer
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.exports import Sheet, Window
from handlers.core.intents import asks_a_rule
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.names import region_name
from handlers.core.registry import SALES_STAFF
from handlers.core.router import Router
from handlers.core.scope import dealers_of_regions, visible_dealers
from handlers.sales.recording import product_label

MAX_LISTED = 40  # lines in one chat message; the export has them all


def stock_covers(ctx: Ctx, dealers: Sequence[DealerCode] | None, on: date) -> list[Cover]:
    """The latest levels of `dealers` (None: every dealer) reported by `on`, on the reader's
    product lines, each with its days of cover at the pace of the days before `on`."""
    lines = ctx.scope.lines
    window = pace_window(on)
    levels = ctx.uow.stock.latest_levels(dealers, lines, on_or_before=on)
    if not levels:
        return []
    sold = ctx.uow.sales.qty_sold(dealers, window.start, window.end, lines)
    return covers(levels, sold, window)


def _cover_text(ctx: Ctx, c: Cover) -> str:
    if c.days is None:
        return ctx.t("own.stock.no_pace")
    return ctx.t("own.stock.days", days=ctx.t.number(c.days))


def _cover_line(ctx: Ctx, c: Cover) -> str:
    return ctx.t(
        "own.stock.line",
        product=product_label(ctx, c.level.sku),
        qty=ctx.t.number(c.level.qty),
        day=ctx.t.date(c.level.as_of),
        sold=ctx.t.number(c.sold),
        cover=_cover_text(ctx, c),
    )


def own_stock_text(ctx: Ctx) -> str:
    """A dealer's latest stock per product with its days of cover (or that there is none)."""
    found = stock_covers(ctx, [ctx.require_dealer()], ctx.today)
    if not found:
        return ctx.t("own.stock.none")
    lines = [ctx.t("own.stock.title", day=ctx.t.date(ctx.today))]
    lines += [_cover_line(ctx, c) for c in found]
    return "\n".join(lines)


def _dealer_lines(ctx: Ctx, found: list[Cover], names: dict[str, str]) -> list[str]:
    lines: list[str] = []
    dealer = None
    for c in found:
        if c.level.dealer != dealer:
            dealer = c.level.dealer
            lines.append(ctx.t("own.stocks.dealer", code=dealer, name=names.get(dealer, "")))
        lines.append("  " + _cover_line(ctx, c))
    return lines


def _listing(ctx: Ctx, title: str, found: list[Cover]) -> Reply:
    codes = list(dict.fromkeys(c.level.dealer for c in found))
    names = {d.code: d.name for d in ctx.uow.catalog.dealers(codes)}
    lines = _dealer_lines(ctx, found, names)
    text = [title, *lines[:MAX_LISTED]]
    if len(lines) > MAX_LISTED:
        text.append(ctx.t("own.stocks.more", count=len(lines) - MAX_LISTED))
    return Reply("\n".join(text))


def dealer_stock(ctx: Ctx, raw: str) -> Reply:
    """`stock DEALER` for a manager: that dealer's latest stock, if in scope."""
    try:
        d = visible_dealer(ctx, raw)
    except UserError:
        scoped = ctx.uow.catalog.dealers(visible_dealers(ctx.uow, ctx.scope))[:1]
        example = scoped[0].code if scoped else "D001"
        raise UserError("own.stocks.dealer_unknown", code=raw[:40], example=example) from None
    ctx.audit("stock.view", d.code)
    found = stock_covers(ctx, [d.code], ctx.today)
    if not found:
        return Reply(ctx.t("own.stocks.dealer_none", code=d.code, name=d.name))
    return _listing(ctx, ctx.t("own.stocks.title", day=ctx.t.date(ctx.today)), found)


def pick_dealer(ctx: Ctx) -> Reply:
    """`stock` without a dealer, from a manager: which dealer, with a few to tap."""
    scoped = ctx.uow.catalog.dealers(visible_dealers(ctx.uow, ctx.scope))[:8]
    buttons = [Button(d.code, f"c:stock {d.code}") for d in scoped]
    return Reply(ctx.t("own.stocks.pick_dealer"), button_rows(buttons, per_row=4))


def _region(ctx: Ctx, raw: str) -> RegionCode:
    """The region `raw` names (code in any case, or name) within the reader's scope."""
    tree = ctx.uow.catalog.region_tree()
    codes = set(tree.parents) | {p for p in tree.parents.values() if p}
    wanted = raw.strip().lower()
    found = next((c for c in sorted(codes) if c.lower() == wanted), None)
    if found is None:
        found = next((c for c in sorted(codes) if region_name(ctx, c) == raw), None)
    if found is None or not ctx.scope.covers_region(found, tree):
        mine = ctx.actor.manager_regions if not ctx.actor.is_admin else ()
        names = "、".join(region_name(ctx, r) or r for r in mine) or "-"
        raise UserError("own.stocks.region_unknown", region=raw[:40], regions=names)
    return found


def stocks(ctx: Ctx) -> Reply:
    """Latest stock of your regions' dealers (or of one REGION) with days of cover."""
    scope = ctx.scope
    if ctx.args:
        region = _region(ctx, " ".join(ctx.args))
        dealers: list[DealerCode] | None = dealers_of_regions(
            ctx.uow, replace(scope, regions=(region,))
        )
        where = region_name(ctx, region) or region
    else:
        dealers = visible_dealers(ctx.uow, scope)
        where = ctx.t("own.stocks.your_regions")
    found = stock_covers(ctx, dealers, ctx.today) if dealers is None or dealers else []
    ctx.audit("stocks.view", f"{where} rows={len(found)}")
    if not found:
        return Reply(ctx.t("own.stocks.none", where=where))
    title = ctx.t("own.stocks.region_title", where=where, day=ctx.t.date(ctx.today))
    return _listing(ctx, title, found)


_STOCK_QUESTION = re.compile(
    r"(我|我们|我司|本店)的?.{0,4}库存|库存(还有|剩)?(多少|几)|\b(my|our) stock\b",
    re.IGNORECASE,
)


def stock_question(ctx: Ctx, text: str) -> Reply | None:
    """ "我的库存" is answered with the dealer's own latest stock."""
    if ctx.actor.role is not Role.DEALER or not _STOCK_QUESTION.search(text):
        return None
    if asks_a_rule(text):
        return None
    button = Button(ctx.t("own.stock.report_button"), "c:stock")
    return Reply(own_stock_text(ctx), ((button,),))


def export_stock(ctx: Ctx, window: Window) -> Sheet:
    """The latest stock reported by the period's end (today, for the current period)."""
    on = min(window.period.end, ctx.today)
    found = stock_covers(ctx, visible_dealers(ctx.uow, ctx.scope), on)
    codes = list(dict.fromkeys(c.level.dealer for c in found))
    names = {d.code: d.name for d in ctx.uow.catalog.dealers(codes)} if codes else {}
    products = {p.sku: p.name for p in ctx.uow.catalog.products()}
    rows = [
        [
            c.level.dealer,
            names.get(c.level.dealer, ""),
            c.level.sku,
            products.get(c.level.sku, ""),
            c.level.qty,
            c.level.as_of,
            c.sold,
            c.days,
        ]
        for c in found
    ]
    return Sheet(ctx.t("own.export.stock.columns").split("|"), rows)


def install(router: Router, jobs: Jobs) -> None:
    router.command(stocks, "stocks", roles=SALES_STAFF, example="/stocks SC", aliases=("库存汇总",))
    router.text(stock_question, priority=25)
    router.exporter(export_stock, "stock", label_key="own.export.stock.label")
