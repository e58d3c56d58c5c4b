"""The onboarding context's parts, installed in help order."""

from __future__ import annotations

import re

import handlers.onboarding.apply as apply
import handlers.onboarding.outcome as outcome
import handlers.onboarding.terms as terms
import handlers.onboarding.views as views
import handlers.onboarding.visit as visit
from domain.identity.actors import Role, Seat
from handlers.core.context import Ctx
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import MANAGER
from handlers.core.router import Router

APPLICANTS = frozenset({Seat.ANONYMOUS}) | MANAGER
# 我想做经销商, 想成为你们的代理, 申请加盟, I want to become a dealer ...
WISH = re.compile(
    r"(想|要|申请|如何|怎么|怎样).{0,6}(经销商|代理|加盟)|become a (dealer|distributor)|"
    r"(be|apply|applying) (to be |as )?a (dealer|distributor)",
    re.IGNORECASE,
)


def dealer_wish(ctx: Ctx, text: str) -> Reply | None:
    """An unlinked user who writes that they want to become a dealer is offered /apply."""
    if ctx.actor.role is not Role.ANONYMOUS or not WISH.search(text):
        return None
    return Reply(
        ctx.t("onboarding.offer"),
        ((Button(ctx.t("onboarding.button.apply"), "c:apply"),),),
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        apply.apply_,
        "apply",
        roles=APPLICANTS,
        example="/apply",
        aliases=("申请成为经销商", "申请"),
        actions={"for": MANAGER},
    )
    router.command(
        views.applications,
        "applications",
        roles=MANAGER,
        example="/applications open",
        aliases=("申请列表",),
    )
    router.command(
        views.application,
        "application",
        roles=MANAGER,
        example="/application AP-00001",
        aliases=("申请单",),
    )
    router.text(dealer_wish, priority=5, anonymous=True)
    apply.install(router, jobs)
    visit.install(router, jobs)
    router.form(terms.FORM)
    outcome.install(router, jobs)
    router.exporter(views.export_applications, "applications", label_key="export.kind.applications")
