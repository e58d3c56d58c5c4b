"""`export approvals [PERIOD]`: every step's decision in the period, one row each."""

from __future__ import annotations

from handlers.approvals.people import namer
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router

HEADER_KEYS = (
    "request",
    "kind",
    "subject",
    "dealer",
    "requester",
    "step",
    "decision",
    "by",
    "stand_in_for",
    "at",
    "reason",
    "state",
)


def export_approvals(ctx: Ctx, window: Window) -> Sheet:
    names = namer(ctx.uow)
    tz = ctx.options.tz
    requests: dict = {}
    rows = []
    for d in ctx.uow.approvals.decided_between(window.start, window.end):
        if d.request_id not in requests:
            requests[d.request_id] = ctx.uow.approvals.get(d.request_id)
        r = requests[d.request_id]
        if r is None or (r.dealer is not None and not ctx.can_see_dealer(r.dealer)):
            continue
        rows.append(
            [
                r.id,
                ctx.t(f"approval.kind.{r.kind.value}"),
                r.subject,
                r.dealer or "",
                names(r.requester),
                d.step + 1,
                ctx.t(f"approval.decision.{d.decision.value}"),
                names(d.actor),
                d.for_manager or "",
                d.at.astimezone(tz).replace(tzinfo=None),
                d.reason,
                ctx.t(f"approval.state.{r.state.value}"),
            ]
        )
    return Sheet([ctx.t(f"export.approvals.{k}") for k in HEADER_KEYS], rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(export_approvals, "approvals", label_key="export.kind.approvals")
