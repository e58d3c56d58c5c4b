"""The period a command names, or the last quarter when it names none."""

from __future__ import annotations

from domain.evaluation.periods import previous
from domain.shared.periods import Period, PeriodError, PeriodKind
from handlers.core.context import Ctx
from handlers.core.errors import UserError


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise UserError("evaluation.bad_period", value=text[:20]) from None


def last_quarter(ctx: Ctx) -> Period:
    return previous(Period.containing(ctx.today, PeriodKind.QUARTER))
