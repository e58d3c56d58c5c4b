"""duties: a dealer's reports due and done; a manager's late dealers; the nil report.

`/duties` (dealer): each duty's period due next and the two before it, with the state of
each. `/duties nil PERIOD` (the 本期无销售 button) files "no sales this period". `/duties
[REGION]` (manager): the dealers late on each duty's period due last, within their Scope.
"""

from __future__ import annotations

from dataclasses import replace

from domain.catalog.model import Dealer
from domain.duties.calendar import Cadence, Duty, DutyPeriod, Rule, due_end
from domain.duties.services import dealer_standings, late_dealers
from domain.duties.standing import Standing, State
from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.names import region_name
from handlers.core.registry import DEALER, MARKETING, SALES_STAFF, require
from handlers.core.router import Router
from handlers.core.scope import dealers_of_regions, visible_dealers
from handlers.duties.deadlines import nil_button
from handlers.sales.stock_views import _region as region_in_scope

NIL_WORDS = frozenset({"nil", "无销售", "本期无销售"})


def rule_text(t: Translator, rule: Rule) -> str:
    if rule.cadence is Cadence.WEEKLY:
        return t("duties.rule.weekly", day=t(f"duties.weekday.{rule.day}"))
    return t("duties.rule.monthly", day=rule.day)


def state_text(t: Translator, s: Standing, tz) -> str:
    at = t.datetime(s.done_at, tz) if s.done_at is not None else ""
    return t(f"duties.state.{s.state.value}", at=at)


def standing_line(t: Translator, s: Standing, tz) -> str:
    return t("duties.line", period=s.period.label, due=t.date(s.due), state=state_text(t, s, tz))


def _own(ctx: Ctx) -> Reply:
    dealer = ctx.uow.catalog.dealer(ctx.require_dealer())
    assert dealer is not None
    calendar, t, tz = ctx.options.duty_calendar, ctx.t, ctx.options.tz
    found = dealer_standings(ctx.uow.duties, calendar, dealer, ctx.now, tz)
    lines = [t("duties.own_title", name=dealer.name, day=t.date(ctx.today))]
    buttons = []
    for duty, rows in found.items():
        rule = calendar.rule(duty, dealer.tier or None)
        lines.append(
            t("duties.duty_title", duty=t(f"duties.duty.{duty.value}"), rule=rule_text(t, rule))
        )
        lines += [standing_line(t, s, tz) for s in rows]
        if duty is Duty.SALES_REPORT:
            buttons += [
                (nil_button(t, s.period),)
                for s in rows
                if s.state in (State.OPEN, State.OVERDUE) and s.period.start <= ctx.today
            ][:1]
    ctx.audit("duties.view")
    return Reply("\n".join(lines), tuple(buttons))


def _file_nil(ctx: Ctx, text: str) -> Reply:
    require(ctx, "duties", "nil")
    dealer = ctx.uow.catalog.dealer(ctx.require_dealer())
    assert dealer is not None
    rule = ctx.options.duty_calendar.rule(Duty.SALES_REPORT, dealer.tier or None)
    try:
        period = DutyPeriod.parse(text)
    except ValueError:
        raise UserError(
            "duties.nil_bad_period", value=text[:20], example=rule.period_of(ctx.today).label
        ) from None
    if period.cadence is not rule.cadence:
        raise UserError(
            "duties.nil_bad_period", value=text[:20], example=rule.period_of(ctx.today).label
        )
    if period.start > ctx.today:
        raise UserError("duties.nil_future", period=period.label)
    due = rule.due(period)
    if not ctx.uow.duties.file_nil(
        dealer.code, Duty.SALES_REPORT, period, ctx.now, ctx.actor.label
    ):
        return Reply(ctx.t("duties.nil_already", period=period.label))
    ctx.audit("duties.nil", f"{Duty.SALES_REPORT.value} {period.label}")
    late = ctx.now >= due_end(due, ctx.options.tz)
    key = "duties.nil_filed_late" if late else "duties.nil_filed"
    return Reply(ctx.t(key, period=period.label, due=ctx.t.date(due)))


def _late(ctx: Ctx) -> Reply:
    scope = ctx.scope
    if ctx.args:
        try:
            region = region_in_scope(ctx, " ".join(ctx.args))
        except UserError as err:  # the same check as /stocks, told as /duties
            raise UserError("duties.region_unknown", **err.params) from None
        codes = dealers_of_regions(ctx.uow, replace(scope, regions=(region,)))
        where = region_name(ctx, region) or region
    else:
        codes = visible_dealers(ctx.uow, scope)
        where = ctx.t("own.stocks.your_regions")
    dealers: list[Dealer] = []
    if codes is None or codes:
        dealers = [d for d in ctx.uow.catalog.dealers(codes) if d.status == "active"]
    t, tz = ctx.t, ctx.options.tz
    found = late_dealers(ctx.uow.duties, ctx.options.duty_calendar, dealers, ctx.now, tz)
    ctx.audit("duties.late", f"{where} rows={len(found)}")
    if not found:
        return Reply(t("duties.none_late", where=where, count=len(dealers)))
    lines = [t("duties.late_title", where=where, count=len({d.code for d, _ in found}))]
    heading = None
    for dealer, s in found:
        if (s.duty, s.period) != heading:
            heading = (s.duty, s.period)
            lines.append(
                t(
                    "duties.late_heading",
                    duty=t(f"duties.duty.{s.duty.value}"),
                    period=s.period.label,
                    due=t.date(s.due),
                )
            )
        lines.append(
            t("duties.late_line", code=dealer.code, name=dealer.name, state=state_text(t, s, tz))
        )
    return Reply("\n".join(lines))


def duties(ctx: Ctx) -> Reply:
    """Your reporting duties: what is due when, what is done (managers: who is late)."""
    if ctx.args and ctx.args[0].lower() in NIL_WORDS:
        if len(ctx.args) < 2:
            raise UserError("duties.nil_usage")
        return _file_nil(ctx, ctx.args[1])
    if ctx.actor.role is Role.DEALER:
        return _own(ctx)
    return _late(ctx)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        duties,
        "duties",
        roles=DEALER | SALES_STAFF | MARKETING,
        example="/duties",
        aliases=("报送", "报送事项"),
        actions={"nil": DEALER},
    )
