"""`export rebates PERIOD`: every settlement of the period's programs, one row each."""

from __future__ import annotations

from domain.shared.periods import PeriodKind
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router

HEADER_KEYS = (
    "program",
    "period",
    "dealer",
    "achieved",
    "tier",
    "gross",
    "deduction",
    "net",
    "state",
    "request",
    "credited_at",
)


def export_rebates(ctx: Ctx, window: Window) -> Sheet:
    tz = ctx.options.tz
    rows = [
        [
            s.program_code,
            s.period,
            s.dealer,
            s.achieved,
            s.tier or "",
            s.gross,
            s.deduction,
            s.net,
            ctx.t(f"rebate.state.{s.state.value}"),
            s.request_id or "",
            s.credited_at.astimezone(tz).replace(tzinfo=None) if s.credited_at else "",
        ]
        for s in ctx.uow.rebates.settlements(window.period)
        if ctx.can_see_dealer(s.dealer)
    ]
    return Sheet([ctx.t(f"export.rebates.{k}") for k in HEADER_KEYS], rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(
        export_rebates,
        "rebates",
        label_key="export.kind.rebates",
        default_period=PeriodKind.QUARTER,
    )
