"""rebate_nudge: near a period's end, a dealer close to a higher tier is told what it takes
(once per tier and period). rebate_settlement: after the period, one settlement per dealer
with a rebate, each sent through the approvals engine (sales manager, then marketing
director); the unique settlement per program and dealer is what two schedulers meet on."""

from __future__ import annotations

from datetime import timedelta

from domain.approvals.model import Kind, NewRequest
from domain.approvals.rules import chain_for
from domain.approvals.services import submit
from domain.rebates.rules import what_if
from domain.rebates.services import NAMED_DEALERS, draft_settlements
from handlers.approvals.notices import tell_step_approvers
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.rebates.standing import current_periods, program_accruals, rate_text

REQUESTER = "job:rebate_settlement"
WITHHELD = "severe_violation"  # the condition a settlement's deduction is for


def rebate_nudge(ctx: JobContext) -> None:
    """Dealers near a higher rebate tier before the period ends: tell them what it takes."""
    for program in ctx.uow.rebates.programs(current_periods(ctx.today)):
        days_left = (program.period.end - ctx.today).days
        if days_left < 0 or days_left >= ctx.options.rebate_nudge_days:
            continue
        ahead = {}
        for dealer, accrual in program_accruals(ctx.uow, program, ctx.options).items():
            steps = what_if(program, accrual, ahead=1)
            if steps and not accrual.withheld:
                ahead[dealer] = steps[0]
        # every contact of those dealers in one query (all dealers' when they are many)
        named = sorted(ahead) if len(ahead) <= NAMED_DEALERS else None
        for contact in ctx.uow.recipients.dealer_contacts(named) if ahead else []:
            step = ahead.get(contact.dealer_code)
            if step is None:
                continue
            tier = program.tiers[step.tier]
            ctx.notify(
                contact,
                f"{program.id}:{contact.dealer_code}:tier{step.tier + 1}",
                lambda t, s=step, p=program, tr=tier, d=days_left: Reply(
                    t(
                        "rebate.nudge",
                        program=p.code,
                        days=d + 1,
                        more=t.money(s.more)
                        if s.more_is_money
                        else t("rebate.units", count=s.more),
                        n=s.tier + 1,
                        rate=rate_text(t, tr),
                    )
                ),
            )


def rebate_settlement(ctx: JobContext) -> None:
    """After a period ends: draft each dealer's rebate settlement and send it for approval."""
    chain = chain_for(Kind.REBATE_SETTLEMENT, dict(ctx.options.approval_chains))
    # A program long ended was settled by an earlier run; looking back a year bounds the work.
    for program in ctx.uow.rebates.ended_before(ctx.today):
        if program.period.end < ctx.today - timedelta(days=400):
            continue

        def send(settlement, program=program) -> None:
            subject = (
                f"{settlement.dealer} {program.code} {program.period} ¥{settlement.net}"
                + (f" (-¥{settlement.deduction})" if settlement.deduction else "")
            )[:200]
            payload = {
                "settlement": settlement.id,
                "program": program.code,
                "period": str(program.period),
                "gross": str(settlement.gross),
                "deduction": str(settlement.deduction),
                "net": str(settlement.net),
            }
            request = submit(
                ctx.uow.approvals,
                NewRequest(
                    Kind.REBATE_SETTLEMENT, subject, settlement.dealer, REQUESTER, chain, payload
                ),
                ctx.now,
            )
            ctx.uow.rebates.link_request(settlement.id, request.id)
            ctx.sent += tell_step_approvers(ctx, request)  # type: ignore[arg-type]

        found = program_accruals(ctx.uow, program, ctx.options)
        drafted = draft_settlements(ctx.uow.rebates, program, found, ctx.now, WITHHELD, send)
        if drafted:
            ctx.notes.append(f"{program.code} {program.period}: {drafted} settlements")


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(rebate_nudge, "rebate_nudge")
    jobs.add(rebate_settlement, "rebate_settlement")
