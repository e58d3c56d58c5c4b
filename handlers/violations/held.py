"""Severe alerts held while nobody over the dealer's region had a chat account: delivered
to a manager the moment they link (and carried by violation_digest until someone has them)."""

from __future__ import annotations

from domain.sales.model import Violation, ViolationStatus
from handlers.core.context import Ctx
from handlers.core.jobs import Jobs
from handlers.core.router import Router
from handlers.sales.recording import decide_card, sale_named


def dealer_name(ctx: Ctx, v: Violation) -> str:
    dealer = ctx.uow.catalog.dealer(v.dealer)
    return dealer.name if dealer else v.dealer


def deliver_held(ctx: Ctx) -> str | None:
    """A manager who has just linked gets the severe alerts held for them, each once (the
    dedupe key is the one the alert would have had at once); says how many."""
    code = ctx.actor.manager_code
    if code is None:
        return None
    waiting = ctx.uow.held_alerts.waiting_for(code)
    sent = []
    for violation_id in waiting:
        v = ctx.uow.violations.get(violation_id)
        if v is None or v.status is not ViolationStatus.OPEN:
            continue  # decided (or withdrawn) meanwhile: nothing to put to them
        named, name = sale_named(ctx, v), dealer_name(ctx, v)
        ctx.notify(
            ctx.actor,
            f"violation:{v.id}:severe",
            lambda t, v=v, named=named, name=name: decide_card(t, v, name, named),
        )
        sent.append(v.id)
    ctx.uow.held_alerts.deliver(waiting, ctx.now)
    if not sent:
        return None
    return ctx.t("notice.held_delivered", count=len(sent))


def install(router: Router, jobs: Jobs) -> None:
    router.link_hook(deliver_held)
