"""contract_expiry: contracts ending within the notice period -> the dealer and its managers;
each such contract's renewal opened once, its pre-filled term told to the sales manager."""

from __future__ import annotations

from datetime import timedelta

from domain.catalog.model import ManagerRole
from domain.catalog.renewal import RenewalState
from handlers.catalog.renewals import default_terms, terms_line
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router


def contract_expiry(ctx: JobContext) -> None:
    """Contracts ending within contract_notice_days: tell the dealer and its managers, and
    open the contract's renewal (once per dealer and end, however many runs)."""
    today = ctx.today
    last = today + timedelta(days=ctx.options.contract_notice_days)
    for contract in ctx.uow.contract_calendar.ending_between(today, last):
        dealer = ctx.uow.catalog.dealer(contract.dealer_code)
        name = dealer.name if dealer else contract.dealer_code
        days = (contract.end - today).days
        # One notice per contract: its end date is the period.
        key = f"{contract.dealer_code}:{contract.end.isoformat()}"
        renewal = ctx.uow.renewals.open(contract.dealer_code, contract.end, ctx.now)
        terms = default_terms(ctx.uow, ctx.options, contract)
        to_propose = renewal.state is RenewalState.OPEN
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
                lambda t, c=contract, d=days, n=name, m=manager, tr=terms, p=to_propose: Reply(
                    t(
                        "jobs.contract_expiry.manager",
                        dealer=c.dealer_code,
                        name=n,
                        end=t.date(c.end),
                        days=d,
                    )
                    + (
                        "\n"
                        + t("renewal.job_prompt", dealer=c.dealer_code, terms=terms_line(t, tr))
                        if p and m.manager_role is ManagerRole.SALES_MANAGER
                        else ""
                    )
                ),
            )


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(contract_expiry, "contract_expiry")
