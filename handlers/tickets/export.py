"""`export complaints [PERIOD]`: the tickets of the manager's regions created in the period."""

from __future__ import annotations

from domain.tickets.sla import SlaState
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router
from handlers.tickets.flow import manager_scope
from handlers.tickets.sla import sla_policy


def export_complaints(ctx: Ctx, window: Window) -> Sheet:
    t, tz = ctx.t, ctx.options.tz
    sla = sla_policy(ctx.options)

    def when(moment):
        # Excel has no time zones: a naive business-local datetime (a date cell, not text).
        return moment.astimezone(tz).replace(tzinfo=None) if moment else None

    rows = []
    for k in ctx.uow.tickets.for_export(manager_scope(ctx), window.start, window.end):
        on_time = ""
        if k.resolved_at is not None:
            on_time = (
                t("tickets.export.yes") if k.resolved_at <= k.due_at else t("tickets.export.no")
            )
        overdue = sla.state(k, ctx.now) is SlaState.OVERDUE
        rows.append(
            [
                k.number,
                when(k.created_at),
                k.dealer_code,
                k.region_code or "",
                t(f"tickets.category.{k.category}"),
                t(f"tickets.urgency.{k.urgency}"),
                t(f"tickets.status.{k.status}"),
                k.terminal_code or "",
                k.customer,
                k.sku or "",
                k.assignee or "",
                when(k.due_at),
                t("tickets.export.yes") if overdue else "",
                when(k.resolved_at),
                on_time,
                k.rating or "",
                k.photo_count,
                k.description,
                k.resolution,
            ]
        )
    header = [t(f"tickets.export.col.{c}") for c in COLUMNS]
    return Sheet(header, rows)


COLUMNS = (
    "number", "created", "dealer", "region", "category", "urgency", "status", "terminal",
    "customer", "product", "assignee", "due", "overdue", "resolved", "on_time", "rating",
    "photos", "description", "resolution",
)  # fmt: skip


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(export_complaints, "complaints", label_key="tickets.export.label")
