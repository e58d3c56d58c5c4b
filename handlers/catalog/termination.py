"""Termination for cause: a dealership cancelled as a penalty ends the contract's renewal.

Cancelling a dealership (the cross-region ladder's last step) records the termination
notice on the current contract's renewal, as `/renewal DEALER terminate` would, in the
penalty's own transaction; an undo of the penalty puts the renewal back as it was. A
renewal already on the approval chain stays there, but its approval is refused while the
termination stands (the approver rejects it); one already approved is left alone and the
receipt says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.catalog.model import DealerCode
from domain.catalog.renewal import Renewal, RenewalState
from handlers.catalog.renewals import current_contract
from handlers.core.context import Ctx

# Renewal states a cancellation may end: everything but a decided renewal.
ENDABLE = frozenset(
    {
        RenewalState.OPEN,
        RenewalState.PROPOSED,
        RenewalState.DISCUSS,
        RenewalState.SUBMITTED,
        RenewalState.REJECTED,
    }
)


def terminate_for_cause(ctx: Ctx, dealer: DealerCode, reason: str) -> tuple[str, dict | None]:
    """Record the termination notice of `dealer`'s contract; returns the receipt's line
    and what an undo restores (None when nothing was changed)."""
    contract = current_contract(ctx.uow, dealer, ctx.today)
    if contract is None:
        return ctx.t("termination.no_contract", dealer=dealer), None
    renewal = ctx.uow.renewals.open(dealer, contract.end, ctx.now)
    end = ctx.t.date(contract.end)
    if renewal.state not in ENDABLE:
        state = ctx.t(f"renewal.state.{renewal.state}")
        return ctx.t("termination.left", dealer=dealer, end=end, state=state), None
    before = _snapshot(renewal)
    ctx.uow.renewals.save(
        replace(
            renewal,
            state=RenewalState.TERMINATED,
            notice_on=ctx.today,
            reason=reason,
            proposed_by=ctx.actor.label,
        ),
        ctx.now,
    )
    ctx.audit("contract.terminate", f"{dealer} end {contract.end} notice {ctx.today} {reason}")
    key = "termination.recorded_on_chain" if renewal.request_id else "termination.recorded"
    return ctx.t(key, dealer=dealer, end=end, id=renewal.request_id or "-"), before


def restore_renewal(ctx: Ctx, before: dict | None) -> None:
    """Put the renewal back as `terminate_for_cause` found it (an undone cancellation)."""
    if not before:
        return
    renewal = ctx.uow.renewals.get(before["id"])
    if renewal is None or renewal.state is not RenewalState.TERMINATED:
        return  # moved on since: nothing of ours to take back
    notice_on = date.fromisoformat(before["notice_on"]) if before["notice_on"] else None
    ctx.uow.renewals.save(
        replace(
            renewal,
            state=RenewalState(before["state"]),
            notice_on=notice_on,
            reason=before["reason"],
            proposed_by=before["proposed_by"],
        ),
        ctx.now,
    )
    ctx.audit("contract.terminate_undone", f"{renewal.dealer} end {renewal.contract_end}")


def _snapshot(renewal: Renewal) -> dict:
    return {
        "id": renewal.id,
        "state": renewal.state.value,
        "notice_on": renewal.notice_on.isoformat() if renewal.notice_on else None,
        "reason": renewal.reason,
        "proposed_by": renewal.proposed_by,
    }
