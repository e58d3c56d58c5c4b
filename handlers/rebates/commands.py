"""rebate: a dealer's programs, tier, accrual and what the next tiers take; a question
like "还差多少到下一档返利" is answered the same way; a settlement's approval credits it.

New programs come in with `dealerbot import rebates` (one row per tier); `/rebate new`
says so to admins rather than taking a tier table through chat.
"""

from __future__ import annotations

import re

from domain.approvals.model import DecisionRecord, Request, State
from domain.catalog.model import DealerCode
from domain.identity.actors import Role
from domain.rebates.model import SettlementState
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER, MANAGER
from handlers.core.router import Router
from handlers.rebates.standing import view_text

_QUESTION = re.compile(
    r"(还差|差多少|多少).{0,8}(下一档|下个档|下一级|升档|返利)"
    r"|返利.{0,6}(多少|进度|怎么样|情况)"
    r"|how (much|far).{0,30}next (rebate )?tier|my rebate",
    re.IGNORECASE,
)


def rebate(ctx: Ctx) -> Reply:
    """Your rebate: program, achieved, tier, accrued, and what the next tier takes."""
    if ctx.args and ctx.args[0].lower() in ("new", "新建"):
        if not ctx.actor.is_admin:
            raise UserError("rebate.new_admins_only")
        return Reply(ctx.t("rebate.new_by_import"))
    if ctx.actor.role is Role.DEALER:
        return Reply(view_text(ctx.t, ctx.uow, ctx.require_dealer(), ctx.today, ctx.options))
    if not ctx.args:
        raise UserError("rebate.usage")
    dealer = DealerCode(ctx.args[0].upper()[:40])
    ctx.check_dealer(dealer)
    return Reply(view_text(ctx.t, ctx.uow, dealer, ctx.today, ctx.options))


def rebate_question(ctx: Ctx, text: str) -> Reply | None:
    """A dealer asking how far the next rebate tier is gets its rebate view."""
    if ctx.actor.role is not Role.DEALER or len(text) > 60 or not _QUESTION.search(text):
        return None
    return rebate(ctx)


def on_decided(ctx: Ctx, request: Request, decision: DecisionRecord) -> str:
    """An approved settlement is credited (once: only a pending one moves); a refused one
    is marked so."""
    settlement_id = request.payload.get("settlement")
    if settlement_id is None or request.state is State.PENDING:
        return ""
    if request.state is State.APPROVED:
        if not ctx.uow.rebates.mark(int(settlement_id), SettlementState.CREDITED, ctx.now):
            return ""
        found = ctx.uow.rebates.settlement(int(settlement_id))
        assert found is not None
        ctx.audit("rebate.credited", f"#{found.id} {found.dealer} {found.net}")
        for contact in ctx.uow.recipients.dealer_contacts([found.dealer]):
            ctx.notify(
                contact,
                f"rebate:credited:{found.id}",
                lambda t, s=found: Reply(
                    t(
                        "rebate.dealer_credited",
                        program=s.program_code,
                        period=s.period,
                        amount=t.money(s.net),
                    )
                ),
            )
        return ctx.t("rebate.credited", id=found.id, amount=ctx.t.money(found.net))
    if request.state is not State.RETURNED:
        ctx.uow.rebates.mark(int(settlement_id), SettlementState.REJECTED, ctx.now)
    return ""


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        rebate,
        "rebate",
        roles=DEALER | MANAGER,
        example="/rebate D001",
        aliases=("返利",),
    )
    router.text(rebate_question, priority=25)
    router.approval_outcome(on_decided, "rebate_settlement")
