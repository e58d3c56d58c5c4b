"""undo: take a decision back — its author within `[penalties] undo_minutes`, an admin later
with a reason. The decision stays in the log; the undo or reopen is appended after it."""

from __future__ import annotations

from domain.decisions.model import Act, DecisionRecord
from domain.decisions.rules import Refusal, reversal, undo_deadline
from domain.shared.record_ids import parse_record_id
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.names import actor_name
from handlers.core.registry import BROADCASTERS, SALES_STAFF
from handlers.core.router import Router


def _decision(ctx: Ctx, raw: str) -> DecisionRecord:
    number = parse_record_id(raw.lstrip("#Dd"))
    found = ctx.uow.decisions.get(number) if number is not None else None
    if found is None or found.act is not Act.DECIDE or found.kind not in ctx.router.undoers:
        raise UserError("decision.not_found", id=raw[:20])
    return found


def _refuse(ctx: Ctx, decision: DecisionRecord, why: Refusal) -> UserError:
    params: dict = {"id": decision.id, "minutes": ctx.options.undo_minutes}
    if why is Refusal.ALREADY_REVERSED:
        earlier = ctx.uow.decisions.reversal_of(decision.id)
        assert earlier is not None
        params.update(
            by=actor_name(ctx, earlier.author), at=ctx.t.datetime(earlier.at, ctx.options.tz)
        )
    elif why is Refusal.NOT_AUTHOR:
        params["by"] = actor_name(ctx, decision.author)
    elif why is Refusal.WINDOW_PASSED:
        until = undo_deadline(decision, ctx.options.undo_window)
        params["until"] = ctx.t.datetime(until, ctx.options.tz)
    return UserError(f"decision.refused.{why.value}", **params)


def undo(ctx: Ctx) -> Reply:
    """Undo your decision within minutes (admins: reopen any, with a reason): ID [REASON]."""
    if not ctx.args:
        raise UserError("decision.usage", minutes=ctx.options.undo_minutes)
    decision = _decision(ctx, ctx.args[0])
    reason = " ".join(ctx.args[1:]).strip()
    how = reversal(
        decision,
        reversed_already=ctx.uow.decisions.reversal_of(decision.id) is not None,
        by=ctx.actor.label,
        admin=ctx.actor.is_admin,
        reason=reason,
        now=ctx.now,
        window=ctx.options.undo_window,
    )
    if isinstance(how, Refusal):
        raise _refuse(ctx, decision, how)
    taken = ctx.uow.decisions.reverse(decision, how, ctx.actor.label, reason, ctx.now)
    if taken is None:  # another press or worker took it back first
        raise _refuse(ctx, decision, Refusal.ALREADY_REVERSED)
    ctx.audit(f"decision.{how.value}", f"#{decision.id} {reason}"[:500])
    undone = ctx.router.undoers[decision.kind](ctx, decision, taken)
    key = "decision.undone" if how is Act.UNDO else "decision.reopened"
    head = ctx.t(key, id=decision.id, reason=reason or "-")
    return Reply(head + "\n" + undone.text, undone.buttons)


def install(router: Router, jobs: Jobs) -> None:
    router.command(undo, "undo", roles=SALES_STAFF | BROADCASTERS, example="/undo 3")
