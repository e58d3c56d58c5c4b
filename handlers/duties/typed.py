"""The short form for a statement sent as a PDF or photo: the month, the five key figures
typed in one line, then 确认. Nothing is stored before 确认."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.duties.calendar import DutyPeriod
from domain.duties.model import FIGURES, Figures, Source
from domain.duties.statements import amount, month_problem
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.router import Router
from handlers.duties.filing import figure_name, figures_lines, file_statement
from handlers.duties.template import last_month

FORM = "statement"
_SPLIT = re.compile(r"[\s;；、]+")


def _ask_period(ctx: Ctx, data: Data) -> Reply:
    month = last_month(ctx.today)
    buttons = (
        (
            Button(month.label, f"f:{month.label}"),
            Button(month.preceding().label, f"f:{month.preceding().label}"),
        ),
    )
    return Reply(ctx.t("statement.form.period", file=data["file_name"]), buttons)


def _answer_period(ctx: Ctx, data: Data, value: str) -> str:
    try:
        period = DutyPeriod.parse(value)
    except ValueError:
        raise UserError("statement.problem.bad_period", value=value[:20]) from None
    if problem := month_problem(period, ctx.today):
        raise UserError(f"statement.problem.{problem.code}", **problem.params)
    data["period"] = period.label
    return "figures"


def _ask_figures(ctx: Ctx, data: Data) -> Reply:
    names = " ".join(figure_name(ctx.t, f) for f in FIGURES)
    return Reply(ctx.t("statement.form.figures", period=data["period"], names=names))


def _answer_figures(ctx: Ctx, data: Data, value: str) -> str:
    parts = [p for p in _SPLIT.split(value.strip()) if p]
    if len(parts) != len(FIGURES):
        raise UserError("statement.form.count", count=len(parts), expected=len(FIGURES))
    figures = {}
    for name, text in zip(FIGURES, parts, strict=True):
        number = amount(text)
        if number is None or number < 0:
            key = "statement.form.not_a_number" if number is None else "statement.form.negative"
            raise UserError(key, item=figure_name(ctx.t, name), value=text[:30])
        figures[name] = str(number)
    data["figures"] = figures
    return "confirm"


def _figures(data: Data) -> Figures:
    return Figures(**{k: Decimal(v) for k, v in data["figures"].items()})


def _ask_confirm(ctx: Ctx, data: Data) -> Reply:
    lines = [
        ctx.t("statement.form.check", period=data["period"]),
        *figures_lines(ctx.t, _figures(data)),
    ]
    buttons = (
        (
            Button(ctx.t("statement.form.yes"), "f:yes"),
            Button(ctx.t("statement.form.edit"), "f:edit"),
        ),
    )
    return Reply("\n".join(lines), buttons)


def _answer_confirm(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in ("yes", "确认", "是", "ok"):
        return END
    if value.lower() in ("edit", "修改"):
        return "figures"
    raise UserError("statement.form.yes_or_edit")


def _finish(ctx: Ctx, data: Data) -> Reply:
    period = DutyPeriod.parse(data["period"])
    if problem := month_problem(period, ctx.today):  # the form may have waited into a new day
        raise UserError(f"statement.problem.{problem.code}", **problem.params)
    return file_statement(ctx, period, _figures(data), Source.FORM, data["file_name"])


STATEMENT_FORM = Form(
    FORM,
    "period",
    {
        "period": Step(_ask_period, _answer_period),
        "figures": Step(_ask_figures, _answer_figures),
        "confirm": Step(_ask_confirm, _answer_confirm),
    },
    _finish,
)


def install(router: Router, jobs: Jobs) -> None:
    router.form(STATEMENT_FORM)
