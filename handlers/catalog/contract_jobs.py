"""contract_expiry: contracts ending within the notice period -> the dealer and its managers."""

from __future__ import annotations

from datetime import timedelta

from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router


def contract_expiry(ctx: JobContext) -> None:
    """Contracts ending within contract_notice_days: tell the dealer and its managers."""
    today = ctx.today
    last = today + timedelta(days=ctx.options.contract_notice_days)
    for contract in ctx.uow.contract_calendar.ending_between(today, last):
        dealer = ctx.uow.catalog.dealer(contract.dealer_code)
        name = dealer.name if dealer else contract.dealer_code
        days = (contract.end - today).days
        # One notice per contract: its end date is the period.
        key = f"{contract.dealer_code}:{contract.end.isoformat()}"
        for contact in ctx.uow.recipients.dealer_contacts([contract.dealer_code]):
            ctx.notify(
                contact,
                key,
                lambda t, c=contract, d=days: Reply(
                    t("jobs.contract_expiry.dealer", end=t.date(c.end), days=d)
                ),
            )
        for manager in ctx.uow.identities.managers_of_dealer(contract.dealer_code):
            ctx.notify(
                manager,
                key,
                lambda t, c=contract, d=days, n=name: Reply(
                    t(
                        "jobs.contract_expiry.manager",
                        dealer=c.dealer_code,
                        name=n,
                        end=t.date(c.end),
                        days=d,
                    )
                ),
            )


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(contract_expiry, "contract_expiry")
