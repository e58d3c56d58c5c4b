"""`export duties PERIOD`: every duty due in the period, per dealer in scope, with its state."""

from __future__ import annotations

from domain.duties.services import due_between
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router

HEADER_KEYS = ("dealer", "name", "duty", "period", "due", "done_at", "state")


def export_duties(ctx: Ctx, window: Window) -> Sheet:
    tz = ctx.options.tz
    dealers = [d for d in ctx.uow.catalog.dealers(ctx.scoped_dealers()) if d.status == "active"]
    found = due_between(
        ctx.uow.duties,
        ctx.options.duty_calendar,
        dealers,
        window.period.start,
        window.period.end,
        ctx.now,
        tz,
    )
    rows = [
        [
            d.code,
            d.name,
            ctx.t(f"duties.duty.{s.duty.value}"),
            s.period.label,
            s.due,
            s.done_at.astimezone(tz).replace(tzinfo=None) if s.done_at else "",
            ctx.t(f"duties.state_word.{s.state.value}"),
        ]
        for d, s in found
    ]
    return Sheet([ctx.t(f"duties.export.{k}") for k in HEADER_KEYS], rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(export_duties, "duties", label_key="duties.export_label")
