"""delegate: a manager names a stand-in who decides their approval steps for some days."""

from __future__ import annotations

from datetime import datetime

from domain.approvals.model import Delegation
from domain.catalog.model import ManagerCode
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import MANAGER
from handlers.core.router import Router


def delegate(ctx: Ctx) -> Reply:
    """Name a stand-in for your approvals: CODE FROM TO (an admin: FOR_CODE CODE FROM TO)."""
    args = list(ctx.args)
    manager = ctx.actor.manager_code
    if len(args) == 4 and ctx.actor.is_admin:
        manager, args = ManagerCode(args[0].upper()), args[1:]
    if len(args) != 3 or manager is None:
        raise UserError("approval.delegate_usage")
    stand_in = ManagerCode(args[0].upper())
    if ctx.uow.catalog.manager(stand_in) is None or stand_in == manager:
        raise UserError("approval.delegate_unknown", code=args[0][:20])
    try:
        start, end = (datetime.strptime(a, "%Y-%m-%d").date() for a in args[1:])
    except ValueError:
        raise UserError("approval.delegate_usage") from None
    if end < start or end < ctx.today:
        raise UserError("approval.delegate_dates")
    ctx.uow.approvals.add_delegation(
        Delegation(manager, stand_in, start, end, ctx.actor.label), ctx.now
    )
    ctx.audit("approval.delegate", f"{manager} -> {stand_in} {start}..{end}")
    return Reply(
        ctx.t(
            "approval.delegated",
            manager=manager,
            stand_in=stand_in,
            start=ctx.t.date(start),
            end=ctx.t.date(end),
        )
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        delegate, "delegate", roles=MANAGER, example="/delegate M003 2026-12-20 2027-01-05"
    )
