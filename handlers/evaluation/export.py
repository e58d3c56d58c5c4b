"""`export scores PERIOD`: every scorecard of the period, one row each with its points."""

from __future__ import annotations

from domain.evaluation.model import Criterion
from domain.shared.periods import PeriodKind
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router

HEAD = ("dealer", "period", "total", "grade", "state", "tier", "new_tier", "request")


def export_scores(ctx: Ctx, window: Window) -> Sheet:
    seen = None if ctx.actor.is_admin else set(ctx.scoped_dealers())
    rows = []
    for c in ctx.uow.evaluation.of_period(window.period):
        if seen is not None and c.dealer not in seen:
            continue
        points = [c.score(k) for k in Criterion]
        rows.append(
            [
                c.dealer,
                str(c.period),
                "" if c.total is None else c.total,
                c.grade or "",
                ctx.t(f"evaluation.state.{c.state.value}"),
                c.tier,
                c.new_tier or "",
                c.request_id or "",
                *("" if s is None or s.points is None else s.points for s in points),
            ]
        )
    header = [ctx.t(f"export.scores.{k}") for k in HEAD] + [
        ctx.t(f"evaluation.criterion.{k.value}") for k in Criterion
    ]
    return Sheet(header, rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(
        export_scores, "scores", label_key="export.kind.scores", default_period=PeriodKind.QUARTER
    )
