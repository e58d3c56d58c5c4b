"""What the onboarding handlers share: who the applicant is, the chain, the duplicates."""

from __future__ import annotations

from domain.approvals.model import Kind, StepRule
from domain.approvals.rules import chain_for
from domain.identity.actors import Role
from domain.onboarding.model import (
    Application,
    ApplicationState,
    Details,
    DocumentKind,
    parse_application_number,
)
from domain.onboarding.rules import Duplicate, duplicates
from domain.shared.ports import UnitOfWork
from handlers.core.context import Ctx
from handlers.core.errors import UserError


def applicant_label(ctx: Ctx) -> str:
    """The requester an unlinked applicant is known by: their chat account (a manager
    starting an application is its requester under their own label)."""
    if ctx.actor.role is not Role.ANONYMOUS:
        return ctx.actor.label
    return f"applicant:{ctx.inbound.platform}:{ctx.inbound.user_id}"


def applicant_chat(ctx: Ctx) -> dict | None:
    """Where the applicant is told: their chat, in the language they wrote in."""
    if ctx.actor.role is not Role.ANONYMOUS:
        return None
    i = ctx.inbound
    return {
        "platform": i.platform,
        "user_id": i.user_id,
        "chat_id": i.chat_id,
        "identity_id": ctx.actor.identity_id,
        "locale": ctx.t.locale,
        "name": i.display_name,
    }


def chain(ctx: Ctx) -> tuple[StepRule, ...]:
    return chain_for(Kind.ONBOARDING, dict(ctx.options.approval_chains))


def required_documents(ctx: Ctx) -> list[DocumentKind]:
    return [DocumentKind(k) for k in ctx.options.onboarding_documents_required]


def found_duplicates(
    uow: UnitOfWork, details: Details, itself: int | None = None
) -> list[Duplicate]:
    return duplicates(details, uow.catalog.dealers(), uow.applications.listed(), itself=itself)


def own_open(ctx: Ctx) -> Application | None:
    """The applicant's application still under review or returned to them, if any."""
    for application in ctx.uow.applications.of_requester(applicant_label(ctx)):
        if application.state in (ApplicationState.REVIEW, ApplicationState.RETURNED):
            return application
    return None


def load(ctx: Ctx, raw: str) -> Application:
    number = parse_application_number(raw)
    found = ctx.uow.applications.get(number) if number is not None else None
    if found is None:
        raise UserError("onboarding.not_found", id=raw[:20])
    return found
