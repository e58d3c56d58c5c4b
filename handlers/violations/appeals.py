"""appeal: a dealer contests a decided violation; the role above the decider hears it.

An appeal is an approval request (kind penalty_appeal). Upheld (approved), the violation is
dismissed and money it took from the deposit is booked back; refused, the decision stands.
Both the dealer and the manager who decided are told either way.
"""

from __future__ import annotations

from domain.approvals.model import (
    DecisionRecord,
    Kind,
    NewRequest,
    Request,
    State,
    StepRule,
)
from domain.approvals.services import submit
from domain.catalog.model import ManagerCode
from domain.deposits.model import EntryKind, NewEntry
from domain.deposits.services import record
from domain.sales.model import ViolationId, ViolationStatus
from domain.shared.record_ids import parse_record_id
from domain.violations.appeals import appeal_deadline, check_appeal, hearing_role
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of
from handlers.approvals.texts import chain_text
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER
from handlers.core.router import Router
from handlers.sales.recording import sale_named, violation_text


def _appealed(ctx: Ctx, violation_id: int) -> bool:
    return any(
        r.kind is Kind.PENALTY_APPEAL
        and r.payload.get("violation") == violation_id
        and r.state is not State.WITHDRAWN
        for r in ctx.uow.approvals.of_requester(ctx.actor.label, limit=200)
    )


def _decider_role(ctx: Ctx, decided_by: str | None):
    if not decided_by or not decided_by.startswith("manager:"):
        return None
    manager = ctx.uow.catalog.manager(ManagerCode(decided_by.split(":", 1)[1]))
    return manager.role if manager else None


def appeal(ctx: Ctx) -> Reply:
    """Appeal a decision on one of your violations: ID REASON (within the appeal days)."""
    dealer = ctx.require_dealer()
    if len(ctx.args) < 2:
        raise UserError("appeal.usage", days=ctx.options.penalty_appeal_days)
    number = parse_record_id(ctx.args[0])
    v = ctx.uow.violations.get(ViolationId(number)) if number is not None else None
    if v is None or v.dealer != dealer:
        raise UserError("violation.not_found", id=ctx.args[0][:20])
    reason = " ".join(ctx.args[1:]).strip()[:1000]
    days = ctx.options.penalty_appeal_days
    refusal = check_appeal(v, ctx.now, days, appealed=_appealed(ctx, v.id))
    if refusal is not None:
        deadline = appeal_deadline(v, days)
        raise UserError(
            f"appeal.refused.{refusal.value}",
            id=v.id,
            days=days,
            deadline=ctx.t.datetime(deadline, ctx.options.tz) if deadline else "-",
        )
    role = hearing_role(_decider_role(ctx, v.decided_by))
    chain = (StepRule(role=role),)
    payload = {
        "violation": v.id,
        "reason": reason,
        "decided_by": v.decided_by,
        "penalty": v.penalty.value if v.penalty else None,
        "_chat": chat_of(ctx.actor),
    }
    subject = f"#{v.id} {v.type.value} {v.penalty.value if v.penalty else ''} ({dealer})"
    request = submit(
        ctx.uow.approvals,
        NewRequest(Kind.PENALTY_APPEAL, subject[:200], dealer, ctx.actor.label, chain, payload),
        ctx.now,
    )
    ctx.audit("approval.request", f"#{request.id} penalty_appeal #{v.id}")
    told = tell_step_approvers(ctx, request)
    key = "appeal.sent" if told else "appeal.sent_nobody"
    return Reply(
        ctx.t(key, id=request.id, violation=v.id, chain=chain_text(ctx.t, request), told=told)
        + "\n"
        + sale_named(ctx, v).text(ctx.t)
    )


def on_decided(ctx: Ctx, request: Request, decision: DecisionRecord) -> str:
    """Upheld: the violation is dismissed and what it took from the deposit is booked back;
    refused: the decision stands. The deciding manager hears it either way."""
    if request.state not in (State.APPROVED, State.REJECTED) or request.dealer is None:
        return ""
    v = ctx.uow.violations.get(ViolationId(request.payload["violation"]))
    if v is None:
        return ""
    upheld = request.state is State.APPROVED
    if upheld:
        v = ctx.uow.violations.decide(
            v.id,
            ViolationStatus.DISMISSED,
            None,
            f"appeal #{request.id}: {decision.reason}".strip(": "),
            decision.actor,
            ctx.now,
        )
        _book_back(ctx, request, v.id, decision.actor)
    ctx.audit("appeal." + ("upheld" if upheld else "refused"), f"#{request.id} #{v.id}")
    _tell_decider(ctx, request, v, upheld)
    return ctx.t("appeal.upheld" if upheld else "appeal.refused_outcome", violation=v.id)


def _book_back(ctx: Ctx, request: Request, violation_id: int, actor: str) -> None:
    taken = [
        e
        for e in ctx.uow.deposits.entries(request.dealer, limit=200)
        if e.source == f"violation:{violation_id}" and e.kind is EntryKind.CONFISCATION
    ]
    for e in taken:
        record(
            ctx.uow.deposits,
            NewEntry(
                e.dealer,
                EntryKind.TOPUP,
                e.amount,
                ctx.today,
                f"appeal #{request.id}",
                f"appeal:{request.id}",
                actor,
                f"appeal:{request.id}:{e.id}",
            ),
            ctx.now,
        )


def _tell_decider(ctx: Ctx, request: Request, v, upheld: bool) -> None:
    decider = request.payload.get("decided_by") or ""
    code = decider.split(":", 1)[1] if decider.startswith("manager:") else None
    if code is None:
        return
    key = "appeal.decider_upheld" if upheld else "appeal.decider_refused"

    def build(t: Translator) -> Reply:
        return Reply(
            t(key, id=request.id, violation=v.id, dealer=v.dealer, line=violation_text(t, v))
        )

    for person in ctx.uow.identities.managers_of_dealer(request.dealer):
        if person.manager_code == code:
            ctx.notify(person, f"appeal:{request.id}:{request.state.value}", build)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        appeal, "appeal", roles=DEALER, example="/appeal 7 价格已获口头批准", aliases=("申诉",)
    )
    router.approval_outcome(on_decided, Kind.PENALTY_APPEAL.value)
