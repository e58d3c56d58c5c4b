"""A dealer contact who links while a notice is still to be acknowledged gets it at once
(the dealer's other contacts had it when it was sent), under the key it would have had."""

from __future__ import annotations

from domain.notices import services
from handlers.core.context import Ctx
from handlers.core.jobs import Jobs
from handlers.core.router import Router
from handlers.notices.delivery import render


def deliver_open(ctx: Ctx) -> str | None:
    dealer, me = ctx.actor.dealer_code, ctx.actor.identity_id
    if dealer is None or me is None:
        return None
    sent = 0
    for brief in services.open_for(ctx.uow, dealer, ctx.now):
        notice = ctx.uow.notices.get(brief.id, content=True)
        assert notice is not None
        ctx.notify(
            ctx.actor, f"notice:{notice.id}:{me}", lambda t, n=notice: render(n, t, ctx.options)
        )
        sent += ctx.uow.notices.record_deliveries([(notice.id, dealer, me)], ctx.now)
    return ctx.t("notices.on_link", count=sent) if sent else None


def install(router: Router, jobs: Jobs) -> None:
    router.link_hook(deliver_open)
