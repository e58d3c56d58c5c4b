""" "合同什么时候到期" from a dealer: its contract's dates as the catalog has them."""

from __future__ import annotations

import re

from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.intents import asks_a_rule
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router

_QUESTION = re.compile(
    r"合同.{0,6}(到期|截止|结束|有效期|期限|什么时候|哪天)|(到期|截止).{0,4}合同"
    r"|\bcontract\b.{0,20}\b(end|expire|expiry|run out|until)",
    re.IGNORECASE,
)


def contract_question(ctx: Ctx, text: str) -> Reply | None:
    """The dealer's own contract end date, when the catalog holds its contract."""
    if ctx.actor.role is not Role.DEALER or not _QUESTION.search(text) or asks_a_rule(text):
        return None
    contracts = ctx.uow.catalog.contracts(ctx.require_dealer())
    if not contracts:
        return Reply(ctx.t("own.contract.none"))
    today = ctx.today
    current = [c for c in contracts if c.start <= today <= c.end]
    c = current[-1] if current else contracts[-1]
    if not current:
        return Reply(ctx.t("own.contract.ended", start=ctx.t.date(c.start), end=ctx.t.date(c.end)))
    return Reply(
        ctx.t(
            "own.contract.current",
            start=ctx.t.date(c.start),
            end=ctx.t.date(c.end),
            days=(c.end - today).days,
        )
    )


def install(router: Router, jobs: Jobs) -> None:
    router.text(contract_question, priority=25)
