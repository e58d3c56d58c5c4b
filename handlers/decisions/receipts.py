"""Recording a decision and its receipt: what was decided, and until when its author may
undo it (a button, and `/undo ID`). Used by every context whose decisions are hard to take
back; `handlers.decisions.commands` takes them back."""

from __future__ import annotations

from typing import Any

from domain.decisions.model import DecisionKind, DecisionRecord, NewDecision
from domain.decisions.rules import undo_deadline
from handlers.core.context import Ctx
from handlers.core.messages import Button, Reply
from handlers.core.names import actor_name


def record(
    ctx: Ctx, kind: DecisionKind, subject: object, reason: str = "", data: Any = None
) -> DecisionRecord:
    """Append the decision to the log (who: the actor, when: now, why: `reason`)."""
    decision = ctx.uow.decisions.add(
        NewDecision(kind, str(subject), ctx.actor.label, reason, dict(data or {})), ctx.now
    )
    ctx.audit(f"decision.{kind.value}", f"#{decision.id} {subject}")
    return decision


def receipt(ctx: Ctx, text: str, decision: DecisionRecord) -> Reply:
    """`text` with the decision's number and how to undo it, and an undo button."""
    minutes = ctx.options.undo_minutes
    if minutes <= 0:
        return Reply(text + "\n" + ctx.t("decision.recorded", id=decision.id))
    until = ctx.t.datetime(undo_deadline(decision, ctx.options.undo_window), ctx.options.tz)
    hint = ctx.t("decision.undo_hint", id=decision.id, minutes=minutes, until=until)
    return Reply(
        text + "\n" + hint,
        ((Button(ctx.t("decision.undo_button"), f"c:undo {decision.id}"),),),
    )


def history_lines(ctx: Ctx, kind: DecisionKind, subject: object) -> list[str]:
    """The decisions on `subject` and their undos and reopens, one line each, oldest first."""
    return [
        ctx.t(
            "decision.history_line",
            id=d.reverses or d.id,
            act=ctx.t(f"decision.act.{d.act.value}"),
            by=actor_name(ctx, d.author),
            at=ctx.t.datetime(d.at, ctx.options.tz),
            reason=d.reason or "-",
        )
        for d in ctx.uow.decisions.history(kind, str(subject))
    ]
