""" "合同什么时候到期" and /contract: a dealer's contract as the catalog has it, in one wording.

A dealer asks about its own contract; a manager names one of their dealers. The answer is
the contract in force (dates, days left, annual target, franchise fee, the deposit it
requires against the ledger's balance), a next term already stored, and the renewal's state
when one is open.
"""

from __future__ import annotations

import re
from datetime import date

from domain.catalog.model import Contract, DealerCode
from domain.catalog.renewal import RenewalState
from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.intents import asks_a_rule
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER, MANAGER
from handlers.core.router import Router

_QUESTION = re.compile(
    r"合同.{0,6}(到期|截止|结束|有效期|期限|什么时候|哪天)|(到期|截止).{0,4}合同"
    r"|\bcontract\b.{0,20}\b(end|expire|expiry|run out|until)",
    re.IGNORECASE,
)


def in_force(contracts: list[Contract], today: date) -> Contract | None:
    """The contract running today (the latest-starting one, should two overlap)."""
    current = [c for c in contracts if c.start <= today <= c.end]
    return current[-1] if current else None


def contract_text(ctx: Ctx, dealer: DealerCode) -> str:
    t, today = ctx.t, ctx.today
    contracts = ctx.uow.catalog.contracts(dealer)
    if not contracts:
        return t("own.contract.none")
    c = in_force(contracts, today)
    later = [x for x in contracts if x.start > today]
    if c is None:
        last = [x for x in contracts if x.end < today]
        lines = []
        if last:
            lines.append(
                t("own.contract.ended", start=t.date(last[-1].start), end=t.date(last[-1].end))
            )
        lines += [_next_line(ctx, x) for x in later]
        return "\n".join(lines)
    lines = [
        t(
            "own.contract.current",
            start=t.date(c.start),
            end=t.date(c.end),
            days=(c.end - today).days,
        ),
        t(
            "contract.terms",
            target=t.money(c.annual_target),
            fee=t.money(c.franchise_fee),
            deposit=t.money(c.deposit),
            balance=t.money(ctx.uow.deposits.balance(dealer)),
        ),
    ]
    lines += [_next_line(ctx, x) for x in later]
    renewal = ctx.uow.renewals.of_contract(dealer, c.end)
    if renewal is not None and not later:
        state = t(f"renewal.state.{renewal.state.value}")
        if renewal.state is RenewalState.TERMINATED and renewal.notice_on:
            lines.append(
                t("contract.terminated", on=t.date(renewal.notice_on), reason=renewal.reason)
            )
        elif renewal.terms is not None:
            terms = renewal.terms
            lines.append(
                t(
                    "contract.renewal_terms",
                    state=state,
                    start=t.date(terms.start),
                    end=t.date(terms.end),
                    target=t.money(terms.annual_target),
                )
            )
        else:
            lines.append(t("contract.renewal", state=state))
    return "\n".join(lines)


def _next_line(ctx: Ctx, c: Contract) -> str:
    t = ctx.t
    return t(
        "contract.next",
        start=t.date(c.start),
        end=t.date(c.end),
        target=t.money(c.annual_target),
    )


def contract(ctx: Ctx) -> Reply:
    """Your contract: dates, days left, target, deposit, fee, the renewal's state."""
    if ctx.actor.role is Role.DEALER:
        return Reply(contract_text(ctx, ctx.require_dealer()))
    if not ctx.args:
        raise UserError("contract.usage")
    dealer = DealerCode(ctx.args[0].upper()[:40])
    ctx.check_dealer(dealer)
    found = ctx.uow.catalog.dealer(dealer)
    head = ctx.t("contract.of_dealer", dealer=dealer, name=found.name if found else dealer)
    return Reply(head + "\n" + contract_text(ctx, dealer))


def contract_question(ctx: Ctx, text: str) -> Reply | None:
    """The dealer's own contract, when it asks in a sentence."""
    if ctx.actor.role is not Role.DEALER or not _QUESTION.search(text) or asks_a_rule(text):
        return None
    return Reply(contract_text(ctx, ctx.require_dealer()))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        contract, "contract", roles=DEALER | MANAGER, example="/contract D001", aliases=("合同",)
    )
    router.text(contract_question, priority=25)
