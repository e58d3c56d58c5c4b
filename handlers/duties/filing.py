"""Filing a checked financial statement: the next version for its month, the change named.

A re-upload for a month already filed is stored as the next version (the earlier one stays,
the newest is in force) and the reply and the audit name every figure that changed.
"""

from __future__ import annotations

from domain.duties.calendar import Duty, DutyPeriod, due_end
from domain.duties.model import Figures, Source
from domain.duties.services import file_statement as store
from domain.duties.statements import Problem
from handlers.core.context import Ctx
from handlers.core.i18n import Translator
from handlers.core.messages import Reply

MAX_LISTED = 20


def figure_name(t: Translator, name: str) -> str:
    return t(f"statement.figure.{name}")


def problem_text(t: Translator, problem: Problem) -> str:
    params = dict(problem.params)
    if "item" in params:
        params["item"] = figure_name(t, str(params["item"]))
    for key in ("given", "sum"):
        if key in params:
            params[key] = t.money(params[key])  # type: ignore[arg-type]
    return t(f"statement.problem.{problem.code}", **params)


def refusal(t: Translator, problems: tuple[Problem, ...] | list[Problem]) -> Reply:
    """Every problem, named: nothing was stored."""
    lines = [t("statement.refused", count=len(problems))]
    lines += [f"• {problem_text(t, p)}" for p in problems[:MAX_LISTED]]
    return Reply("\n".join(lines))


def figures_lines(t: Translator, figures: Figures) -> list[str]:
    return [f"{figure_name(t, k)}：{t.money(v)}" for k, v in figures.as_dict().items()]


def file_statement(
    ctx: Ctx, period: DutyPeriod, figures: Figures, source: Source, file_name: str
) -> Reply:
    statement, earlier = store(
        ctx.uow.duties,
        ctx.require_dealer(),
        period,
        figures,
        source,
        file_name,
        ctx.now,
        ctx.actor.label,
    )
    t = ctx.t
    rule = ctx.options.duty_calendar.rule(Duty.FINANCIAL_STATEMENTS, _tier(ctx))
    due = rule.due(period) if rule.cadence is period.cadence else None
    if earlier is None:
        on_time = due is None or ctx.now < due_end(due, ctx.options.tz)
        head = t("statement.filed" if on_time else "statement.filed_late", period=period.label)
        ctx.audit("statement.filed", f"{period.label} v1 {source.value}")
        return Reply("\n".join([head, *figures_lines(t, figures)]))
    changes = statement.changes_from(earlier)
    detail = "; ".join(f"{f} {old}->{new}" for f, old, new in changes) or "unchanged"
    ctx.audit("statement.replaced", f"{period.label} v{statement.version} {detail}")
    lines = [t("statement.replaced", period=period.label, version=statement.version)]
    if not changes:
        lines.append(t("statement.unchanged"))
    lines += [
        t("statement.change", item=figure_name(t, f), before=t.money(old), after=t.money(new))
        for f, old, new in changes
    ]
    return Reply("\n".join(lines))


def _tier(ctx: Ctx) -> str | None:
    dealer = ctx.uow.catalog.dealer(ctx.require_dealer())
    return (dealer.tier or None) if dealer else None
