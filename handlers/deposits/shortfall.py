"""deposit_shortfall: a dealer whose deposit is under what its contract requires -> its
managers, once per dealer per shortfall (the balance and requirement name it)."""

from __future__ import annotations

from domain.deposits.rules import shortfall
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router


def deposit_shortfall(ctx: JobContext) -> None:
    """Dealers whose deposit is under their contract's: tell their managers once."""
    required = {c.dealer_code: c.deposit for c in ctx.uow.contract_calendar.in_force(ctx.today)}
    balances = ctx.uow.deposits.balances(required)
    for dealer, needed in required.items():
        balance = balances.get(dealer, needed * 0)
        short = shortfall(needed, balance)
        if short <= 0:
            continue
        record = ctx.uow.catalog.dealer(dealer)
        name = record.name if record else dealer
        # A new balance or requirement is a new shortfall; the same one is told once.
        key = f"{dealer}:{balance}:{needed}"
        for manager in ctx.uow.identities.managers_of_dealer(dealer):
            ctx.notify(
                manager,
                key,
                lambda t, d=dealer, n=name, b=balance, r=needed, s=short: Reply(
                    t(
                        "deposit.shortfall",
                        dealer=d,
                        name=n,
                        balance=t.money(b),
                        required=t.money(r),
                        short=t.money(s),
                    )
                ),
            )


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(deposit_shortfall, "deposit_shortfall")
