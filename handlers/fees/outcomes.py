"""What decisions on fee requests and claims do, in the decision's transaction.

A request's state follows its approval; approved, its amount is committed against its budget
(checked once more at the last step, so two approvals racing for the same money cannot both
pass unless the request was routed as over budget). A claim's review moves it to `reviewed`;
the last step records the payout: the note is the payment reference, or `credit ...` for a
credit note against the next order, and without a note the approval is refused."""

from __future__ import annotations

from domain.approvals.model import Decision, DecisionRecord, Kind, Request, State
from domain.fees.model import ClaimState, Payout, RequestState
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.router import Router

REQUEST_STATES = {
    State.APPROVED: RequestState.APPROVED,
    State.REJECTED: RequestState.REJECTED,
    State.RETURNED: RequestState.RETURNED,
    State.WITHDRAWN: RequestState.WITHDRAWN,
    State.EXPIRED: RequestState.WITHDRAWN,
    State.PENDING: RequestState.PENDING,
}
CLAIM_STATES = {
    State.REJECTED: ClaimState.REJECTED,
    State.RETURNED: ClaimState.RETURNED,
    State.WITHDRAWN: ClaimState.WITHDRAWN,
    State.EXPIRED: ClaimState.WITHDRAWN,
}
CREDIT_WORDS = ("credit", "冲抵", "抵扣", "credit_note")


def on_request_decided(ctx: Ctx, request: Request, decision: DecisionRecord) -> str:
    fee = ctx.uow.fees.request_of_approval(request.id)
    if fee is None:
        return ""
    if request.state is State.APPROVED and fee.budget_id is not None and not fee.over_budget:
        [status] = ctx.uow.fees.statuses([ctx.uow.fees.budget(fee.budget_id)])
        if fee.amount > status.left:
            raise UserError("fee.approval_over_budget", id=fee.id, left=ctx.t.money(status.left))
    ctx.uow.fees.set_request_state(fee.id, REQUEST_STATES[request.state])
    if request.state is State.APPROVED:
        return ctx.t("fee.request_approved", id=fee.id, amount=ctx.t.money(fee.amount))
    return ""


def read_payout(note: str) -> tuple[Payout, str]:
    words = note.strip()
    for word in CREDIT_WORDS:
        if words.lower().startswith(word):
            return Payout.CREDIT_NOTE, words[len(word) :].strip(" :：")
    return Payout.TRANSFER, words


def on_claim_decided(ctx: Ctx, request: Request, decision: DecisionRecord) -> str:
    claim = ctx.uow.fees.claim_of_approval(request.id)
    if claim is None:
        return ""
    if decision.decision is Decision.RESUBMIT:
        # Returned for more proof: filed again through the form, whose new files replace the
        # old (handlers/fees/claim_form.py), never resubmitted unchanged from the approvals list.
        raise UserError("fee.claim_resubmit_in_form", id=claim.request_id)
    if request.state is State.APPROVED:
        if not decision.reason:
            raise UserError("fee.payment_ref_needed", id=claim.request_id)
        payout, ref = read_payout(decision.reason)
        ctx.uow.fees.set_claim_state(
            claim.id, ClaimState.PAID, payout=payout, payment_ref=ref, paid_at=ctx.now
        )
        ctx.audit("fee.paid", f"C{claim.id} {payout.value} {ref}"[:500])
        return ctx.t(f"fee.paid.{payout.value}", amount=ctx.t.money(claim.claimed), ref=ref or "-")
    if request.state is State.PENDING:
        if decision.decision is Decision.APPROVE:
            ctx.uow.fees.set_claim_state(claim.id, ClaimState.REVIEWED)
        return ""
    ctx.uow.fees.set_claim_state(claim.id, CLAIM_STATES[request.state])
    if request.state is State.RETURNED:
        return ctx.t("fee.claim_returned", id=claim.request_id)
    return ""


def install(router: Router, jobs: Jobs) -> None:
    router.approval_outcome(on_request_decided, Kind.FEE_REQUEST.value)
    router.approval_outcome(on_claim_decided, Kind.FEE_CLAIM.value)
