"""A dealer's own violations (`violations` from a dealer, "我有哪些违规"): number, rule,
status and the sale each is about."""

from __future__ import annotations

import re

from domain.identity.actors import Role
from domain.sales.model import ViolationStatus
from handlers.core.context import Ctx
from handlers.core.intents import asks_a_rule
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.sales.recording import sale_named

MAX_LISTED = 30


def own_violations(ctx: Ctx, *, only_open: bool = False) -> Reply:
    dealer = ctx.require_dealer()
    statuses = (ViolationStatus.OPEN,) if only_open else None
    found = ctx.uow.violations.list([dealer], statuses=statuses, limit=MAX_LISTED + 1)
    if not found:
        return Reply(ctx.t("own.violations.none_open" if only_open else "own.violations.none"))
    lines = [ctx.t("own.violations.title")]
    for v in found[:MAX_LISTED]:
        lines.append(
            ctx.t(
                "own.violations.line",
                id=v.id,
                type=ctx.t(f"violation.type.{v.type.value}"),
                severity=ctx.t(f"violation.severity.{v.severity.value}"),
                status=ctx.t(f"violation.status.{v.status.value}"),
                day=ctx.t.date(v.created_at.astimezone(ctx.options.tz).date()),
            )
        )
        lines.append("  " + sale_named(ctx, v).text(ctx.t))
    if len(found) > MAX_LISTED:
        lines.append(ctx.t("own.violations.more", count=MAX_LISTED))
    lines.append(ctx.t("own.violations.hint"))
    return Reply("\n".join(lines))


_QUESTION = re.compile(
    r"(我|我们|我司|本店).{0,6}(违规|违反|处罚)"
    r"|\b(my|our) (violations|breaches|penalties)\b|\bdid (i|we) break\b",
    re.IGNORECASE,
)


def violations_question(ctx: Ctx, text: str) -> Reply | None:
    """ "我有哪些违规" is answered from the dealer's own record."""
    if ctx.actor.role is not Role.DEALER or not _QUESTION.search(text):
        return None
    if asks_a_rule(text):
        return None
    return own_violations(ctx)


def install(router: Router, jobs: Jobs) -> None:
    router.text(violations_question, priority=25)
