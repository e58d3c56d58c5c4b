"""fee_claim_reminder: an approved request not claimed yet is reminded to its dealer once,
`[fees] remind_days` before its deadline. fee_budget_alerts: a budget 80% and 100% committed
is told to its region's managers once per level (the outbox key names budget and level, so
two schedulers, or a rerun, send nothing more)."""

from __future__ import annotations

from domain.fees.model import RequestState
from domain.fees.rules import alert_levels, claim_deadline, reminder_due
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.fees.texts import budget_line


def fee_claim_reminder(ctx: JobContext) -> None:
    """Approved fee requests whose claim is due soon and not filed: tell the dealer once."""
    days = ctx.options.fee_claim_days
    for fee in ctx.uow.fees.requests(states=[RequestState.APPROVED], limit=5000):
        deadline = claim_deadline(fee.end, days)
        if not reminder_due(deadline, ctx.today, ctx.options.fee_remind_days):
            continue
        if ctx.uow.fees.claim_of_request(fee.id) is not None:
            continue
        for contact in ctx.uow.recipients.dealer_contacts([fee.dealer]):
            ctx.notify(
                contact,
                f"{fee.id}",
                lambda t, f=fee, d=deadline: Reply(
                    t(
                        "fee.reminder",
                        id=f.id,
                        activity=t(f"fee.activity.{f.activity.value}"),
                        amount=t.money(f.amount),
                        deadline=t.date(d),
                    )
                ),
            )


def fee_budget_alerts(ctx: JobContext) -> None:
    """Budgets 80% or 100% committed: tell the region's managers, once per level."""
    for status in ctx.uow.fees.statuses(ctx.uow.fees.budgets()):
        levels = alert_levels(status.committed, status.budget.amount)
        if not levels:
            continue
        level = levels[-1]
        managers = ctx.uow.identities.managers_of_region(status.budget.region)
        for manager in managers:
            for reached in levels:  # a jump straight to 100% tells both at once
                ctx.notify(
                    manager,
                    f"{status.budget.id}:{reached}",
                    lambda t, s=status, r=reached: Reply(
                        t("fee.budget_alert", level=r, budget=budget_line(t, s))
                    ),
                )
        if managers:
            ctx.notes.append(f"budget {status.budget.id}: {level}%")


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(fee_claim_reminder, "fee_claim_reminder")
    jobs.add(fee_budget_alerts, "fee_budget_alerts")
