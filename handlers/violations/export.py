"""`export violations [PERIOD]`: the violations of a manager's regions as a spreadsheet."""

from __future__ import annotations

from decimal import Decimal

from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.names import actor_name
from handlers.core.router import Router

HEADER_KEYS = (
    "id",
    "created",
    "dealer",
    "sale",
    "type",
    "severity",
    "rule",
    "sku",
    "qty",
    "unit_price",
    "floor",
    "terminal",
    "status",
    "penalty",
    "note",
    "decided_by",
    "decided_at",
)


def export_violations(ctx: Ctx, window: Window) -> Sheet:
    found = ctx.uow.violations.list(
        ctx.scoped_dealers(), start=window.start, end=window.end, lines=ctx.actor.lines
    )
    tz = ctx.options.tz
    rows = []
    for v in reversed(found):  # oldest first in a sheet
        report = v.evidence.get("report", {})
        rows.append(
            [
                v.id,
                v.created_at.astimezone(tz).replace(tzinfo=None),
                v.dealer,
                v.sale_id,
                ctx.t(f"violation.type.{v.type.value}"),
                ctx.t(f"violation.severity.{v.severity.value}"),
                v.evidence.get("rule", ""),
                report.get("sku", ""),
                int(report["qty"]) if report.get("qty") else None,
                Decimal(report["unit_price"]) if report.get("unit_price") else None,
                Decimal(v.evidence["floor"]) if v.evidence.get("floor") else None,
                report.get("terminal", ""),
                ctx.t(f"violation.status.{v.status.value}"),
                ctx.t(f"penalty.{v.penalty.value}") if v.penalty else "",
                v.note,
                actor_name(ctx, v.decided_by) if v.decided_by else "",  # 王经理 (M01)
                v.decided_at.astimezone(tz).replace(tzinfo=None) if v.decided_at else None,
            ]
        )
    header = [ctx.t(f"export.violations.{k}") for k in HEADER_KEYS]
    return Sheet(header, rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(export_violations, "violations", label_key="export.kind.violations")
