"""target_alerts: dealers behind pace on their month, quarter or year target -> their managers.

One message per manager per occasion (its dedupe key names the manager and the occasion's
day), listing that manager's dealers behind pace. The standings of every dealer come from
one aggregate over the year's sales (see handlers.targets.standing), not a query per dealer.
"""

from __future__ import annotations

from domain.catalog.model import DealerCode
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from domain.shared.periods import Period, PeriodKind
from domain.targets.achievement import Standing
from domain.targets.pace import PACE_RESOLVE, judge_pace
from domain.targets.resolution import periods_containing, target_years
from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.notifier import Build
from handlers.core.router import Router

LINES = 30


def behind_pace(ctx: JobContext) -> dict[DealerCode, list[Standing]]:
    """Every assessed dealer behind pace today, with the periods it is behind on.

    One statement (per dealer: its targets, and its sales of the year and of the quarter or
    month from the month sums kept on write) returns only the dealers possibly behind; the
    domain judges those exactly, reading every target of the few whose target derives from
    other periods.
    """
    periods = periods_containing(ctx.today)
    growth = ctx.options.target_growth
    candidates = ctx.uow.targets.pace_candidates(periods, ctx.today, growth)
    partial = sorted({c.code for c in candidates if c.flag == PACE_RESOLVE})
    explicit = {}
    if partial:
        years = sorted({y for p in periods for y in target_years(p)})
        explicit = ctx.uow.targets.explicit(years, partial)
    return judge_pace(candidates, explicit, growth, ctx.today)


def target_alerts(ctx: JobContext) -> None:
    """Dealers behind pace on their targets -> the managers of their regions."""
    late = behind_pace(ctx)
    ctx.notes.append(f"{len(late)} dealers behind")
    if not late:
        return
    day = ctx.today
    month = Period.containing(day, PeriodKind.MONTH)
    # A dealer's lines, worded once per language: its regional director, sales manager,
    # line managers and the admins all list it.
    worded: dict[tuple[str, DealerCode], list[str]] = {}

    def lines_of(t: Translator, code: DealerCode) -> list[str]:
        if (t.locale, code) not in worded:
            worded[(t.locale, code)] = [
                t(
                    "jobs.target_alerts.line",
                    dealer=s.dealer,
                    name=s.name,
                    period=str(s.period),
                    achieved=t.money(s.achieved),
                    target=t.money(s.target.amount or 0),
                    percent=t.percent(s.percent or 0),
                    expected=t.money(s.expected or 0),
                )
                for s in late[code]
            ]
        return worded[(t.locale, code)]

    messages: list[tuple[Actor, str, Build]] = []
    for manager in ctx.uow.recipients.managers():
        # A target is the dealer's whole business, so a product-line manager hears of every
        # dealer of their regions, whatever the line.
        scope = ctx.visible_dealers(Scope.of(manager).every_line())
        mine = sorted(late) if scope is None else [code for code in scope if code in late]
        if not mine:
            continue

        def build(t: Translator, mine=mine) -> Reply:
            lines = [t("jobs.target_alerts.title", date=t.date(day), count=len(mine))]
            for code in mine[:LINES]:
                lines.extend(lines_of(t, code))
            if len(mine) > LINES:
                lines.append(t("jobs.target_alerts.more", count=len(mine) - LINES))
            return Reply(
                "\n".join(lines),
                button_rows([Button(t("jobs.target_alerts.button"), f"c:targets {month}")]),
            )

        messages.append((manager, f"{manager.manager_code}:{day.isoformat()}", build))
    ctx.notify_all(messages)


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(target_alerts, "target_alerts")
