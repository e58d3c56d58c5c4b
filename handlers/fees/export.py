"""`export fees PERIOD`: every fee request starting in the period, with what was approved,
claimed and paid and how many proof files its claim holds."""

from __future__ import annotations

from decimal import Decimal

from domain.fees.model import ClaimState, RequestState
from domain.shared.periods import PeriodKind
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router

HEADER_KEYS = (
    "request",
    "dealer",
    "region",
    "activity",
    "start",
    "end",
    "requested",
    "approved",
    "claimed",
    "paid",
    "proof",
    "state",
    "payment_ref",
)
ALL = 100_000
ZERO = Decimal("0.00")


def export_fees(ctx: Ctx, window: Window) -> Sheet:
    period = window.period
    rows = []
    for fee in reversed(ctx.uow.fees.requests(limit=ALL)):
        if not period.start <= fee.start <= period.end or not ctx.can_see_dealer(fee.dealer):
            continue
        claim = ctx.uow.fees.claim_of_request(fee.id)
        paid = claim is not None and claim.state is ClaimState.PAID
        state = ctx.t(f"fee.claim_state.{claim.state.value}") if claim else ""
        rows.append(
            [
                fee.id,
                fee.dealer,
                fee.region,
                ctx.t(f"fee.activity.{fee.activity.value}"),
                fee.start,
                fee.end,
                fee.amount,
                fee.amount if fee.state is RequestState.APPROVED else ZERO,
                claim.claimed if claim else ZERO,
                claim.claimed if paid else ZERO,
                len(claim.proofs) if claim else 0,
                state or ctx.t(f"fee.state.{fee.state.value}"),
                claim.payment_ref if claim else "",
            ]
        )
    return Sheet([ctx.t(f"export.fees.{k}") for k in HEADER_KEYS], rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(
        export_fees, "fees", label_key="export.kind.fees", default_period=PeriodKind.QUARTER
    )
