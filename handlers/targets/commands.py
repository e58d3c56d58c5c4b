"""target, targets: a dealer's progress on its targets; a manager's dealers ranked by pace."""

from __future__ import annotations

from domain.catalog.model import DealerCode
from domain.identity.actors import Role
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import MoneyError, to_money
from domain.shared.periods import Period, PeriodError, PeriodKind
from domain.targets.achievement import Standing, ranked
from domain.targets.model import TargetSource
from domain.targets.resolution import periods_containing
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.examples import dealer_example
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.core.pager import Page, page_args
from handlers.core.registry import DEALER, SALES_LEADS, require
from handlers.core.router import Router
from handlers.core.scope import visible_dealers
from handlers.targets.standing import load_standings

RANKING_LINES = 40


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise UserError("target.bad_period", text=text[:20]) from None


def describe(s: Standing, t: Translator, growth) -> list[str]:
    """Lines telling one standing: achieved against target, the pace, what is still needed."""
    period = str(s.period)
    if s.target.amount is None:
        return [t("target.no_target", period=period, achieved=t.money(s.achieved))]
    line = t(
        "target.period_line",
        period=period,
        achieved=t.money(s.achieved),
        target=t.money(s.target.amount),
        percent=t.percent(s.percent or 0),
    )
    if s.target.source is TargetSource.GROWTH:
        line += t("target.source.growth", growth=t.percent(growth))
    elif s.target.source is TargetSource.ROLLUP:
        line += t("target.source.rollup")
    lines = [line]
    if not s.days_left:  # a past period: no pace to keep, nothing to sell "a week" any more
        ended = t("target.ended_short", remaining=t.money(s.remaining)) if s.remaining else None
        lines.append(ended or t("target.ended_met"))
        return lines
    status = t("target.behind") if s.behind else t("target.on_pace")
    if not s.target.assessed:
        status = t("target.first_year")
    lines.append(
        t(
            "target.pace_line",
            expected=t.money(s.expected or 0),
            status=status,
            remaining=t.money(s.remaining),
            weekly=t.money(s.weekly_needed),
        )
    )
    return lines


def dealer_progress(ctx: Ctx, code: DealerCode, asked: Period | None) -> Reply:
    dealer = ctx.uow.catalog.dealer(code)
    if dealer is None:
        raise UserError("error.dealer_not_found", code=code)
    periods = [asked] if asked else periods_containing(ctx.today)
    growth = ctx.options.target_growth
    found = load_standings(ctx.uow, periods, ctx.today, growth, [dealer])
    lines = [ctx.t("target.header", name=dealer.name, dealer=code, date=ctx.t.date(ctx.today))]
    for period in periods:
        lines.extend(describe(found[period][0], ctx.t, growth))
    # The chart shows the longest period that has a target (the year, usually).
    charted = next((found[p][0] for p in periods if found[p][0].target.amount is not None), None)
    charted = charted or found[periods[0]][0]
    daily = ctx.uow.targets.daily(code, charted.period, ctx.today)
    from handlers.targets.charts import cumulative_chart  # matplotlib loads on first chart only

    png = cumulative_chart(charted, daily, ctx.t)
    return Reply("\n".join(lines), image=Attachment(f"target-{code}.png", png, "image/png"))


def set_target(ctx: Ctx, args: tuple[str, ...]) -> Reply:
    if len(args) != 3:
        raise UserError("target.set_usage", dealer=dealer_example(ctx))
    code, period_text, amount_text = DealerCode(args[0].upper()), args[1], args[2]
    ctx.check_dealer(code)
    period = _period(period_text)
    try:
        amount = to_money(amount_text)
    except MoneyError:
        raise UserError("target.bad_amount", text=amount_text[:20]) from None
    if amount <= 0 or amount > MAX_AMOUNT:  # MAX_AMOUNT: what a Numeric(14, 2) column holds
        raise UserError("target.bad_amount", text=amount_text[:20])
    ctx.uow.targets.set(code, period, amount)
    ctx.audit("target.set", f"{code} {period} {amount}")
    return Reply(
        ctx.t("target.set_done", dealer=code, period=str(period), amount=ctx.t.money(amount))
    )


def target(ctx: Ctx) -> Reply:
    """Your target: achieved, expected pace, what is still needed each week, with a chart."""
    args = ctx.args
    if args and args[0].lower() in ("set", "设定", "设置"):
        require(ctx, "target", "set")
        return set_target(ctx, args[1:])
    if ctx.actor.role is Role.DEALER:
        return dealer_progress(ctx, ctx.require_dealer(), _period(args[0]) if args else None)
    if not args:
        return Reply(ctx.t("target.manager_usage"))
    code = DealerCode(args[0].upper())
    ctx.check_dealer(code)
    return dealer_progress(ctx, code, _period(args[1]) if len(args) > 1 else None)


def targets(ctx: Ctx) -> Reply:
    """Your dealers ranked by target pace; those behind are marked. Chart and XLSX export."""
    words, asked = page_args(ctx.args)
    period = _period(words[0]) if words else Period.containing(ctx.today, PeriodKind.MONTH)
    seen = visible_dealers(ctx.uow, ctx.scope)  # None: an admin's, every dealer, no list
    dealers = ctx.uow.catalog.dealers(seen) if seen != [] else []
    if not dealers:
        return Reply(ctx.t("targets.none"))
    growth = ctx.options.target_growth
    found = load_standings(
        ctx.uow, [period], ctx.today, growth, dealers, whole_catalog=seen is None
    )
    items = ranked(found[period])
    t = ctx.t
    behind = sum(1 for s in items if s.behind)
    lines = [
        t(
            "targets.header",
            period=str(period),
            date=t.date(ctx.today),
            count=len(items),
            behind=behind,
        )
    ]
    page = Page.of(items, asked, RANKING_LINES)
    for rank, s in enumerate(page.items, start=page.first):
        if s.target.amount is None:
            lines.append(
                t(
                    "targets.no_target_line",
                    dealer=s.dealer,
                    name=s.name,
                    achieved=t.money(s.achieved),
                )
            )
        elif not s.target.assessed:
            lines.append(
                t(
                    "targets.first_year_line",
                    dealer=s.dealer,
                    name=s.name,
                    achieved=t.money(s.achieved),
                    target=t.money(s.target.amount),
                )
            )
        else:
            lines.append(
                t(
                    "targets.line",
                    rank=rank,
                    marker="⚠️ " if s.behind else "",
                    dealer=s.dealer,
                    name=s.name,
                    achieved=t.money(s.achieved),
                    target=t.money(s.target.amount),
                    percent=t.percent(s.percent or 0),
                    pace=t.percent(s.pace or 0),
                )
            )
    if footer := page.footer(t):
        lines.append(footer)
    if page.pages > 1:
        lines.append(t("targets.export_hint"))
    buttons = button_rows([Button(t("targets.export_button"), f"c:export sales {period}")])
    nav = page.buttons(t, f"targets {period}")
    buttons += (nav,) if nav else ()
    if page.number > 1:  # the chart, of the best and the last, comes with the first page
        return Reply("\n".join(lines), buttons=buttons)
    from handlers.targets.charts import ranking_chart  # matplotlib loads on first chart only

    png = ranking_chart(items, t)
    return Reply(
        "\n".join(lines),
        buttons=buttons,
        image=Attachment(f"targets-{period}.png", png, "image/png"),
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        target,
        "target",
        roles=DEALER | SALES_LEADS,
        example="/target 2026-Q3",
        aliases=("目标", "任务"),
        actions={"set": SALES_LEADS},
    )
    router.command(
        targets, "targets", roles=SALES_LEADS, example="/targets 2026-07", aliases=("目标排名",)
    )
