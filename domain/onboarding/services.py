"""Onboarding use cases over the ports: an application submitted to its chain, resubmitted
after changes, and filed (备案) as a dealer in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from domain.approvals.model import Kind, NewRequest, Request, StepRule
from domain.approvals.services import submit
from domain.catalog.model import DealerCode
from domain.identity.actors import Actor, Role
from domain.identity.invites import issue_invite
from domain.onboarding.model import (
    Application,
    ApplicationState,
    Details,
    Document,
)
from domain.onboarding.rules import Filing, filing, next_dealer_code
from domain.shared.ports import UnitOfWork


def scope_of(details: Details) -> dict[str, list[str]]:
    """Whose steps the request is: the managers of the wanted regions (and lines)."""
    return {"regions": list(details.regions), "lines": list(details.lines)}


def subject_of(details: Details) -> str:
    return f"{details.company_name} ({details.credit_code})"[:200]


def apply(
    uow: UnitOfWork,
    details: Details,
    documents: Sequence[Document],
    *,
    requester: str,
    chat: Mapping[str, Any] | None,
    chain: tuple[StepRule, ...],
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> tuple[Application, Request]:
    """Store the application and put it on its chain (`extra`: more for the request to
    carry, such as the lines of its card)."""
    application = uow.applications.add(details, documents, requester=requester, chat=chat, now=now)
    payload = {**(extra or {}), "application": application.id, "_scope": scope_of(details)}
    if chat:
        payload["_chat"] = dict(chat)
    request = submit(
        uow.approvals,
        NewRequest(Kind.ONBOARDING, subject_of(details), None, requester, chain, payload),
        now,
    )
    application = replace(application, request_id=request.id)
    uow.applications.update(application, now)
    return application, request


@dataclass(frozen=True, slots=True)
class Filed:
    filing: Filing
    linked: Actor | None  # the applicant's chat, now the dealer's first contact
    invite_code: str | None  # when nobody could be linked: the code to hand the dealer


def file_application(
    uow: UnitOfWork,
    application: Application,
    *,
    prefix: str,
    now: datetime,
    invite_ttl: timedelta,
    display_name: str = "",
) -> Filed:
    """Create the dealer, its contract and authorizations, link the applicant's chat as
    its first contact, and mark the application filed. Every write goes through the
    caller's transaction: a refusal (ValueError) anywhere leaves nothing once rolled back."""
    code = next_dealer_code(prefix, [d.code for d in uow.catalog.dealers()])
    plan = filing(application, code)
    uow.catalog.add_dealer(plan.dealer)
    uow.catalog.add_contract(plan.contract)
    for authorization in plan.authorizations:
        uow.catalog.add_authorization(authorization)
    invite = issue_invite(uow, now, invite_ttl, dealer=DealerCode(code))
    linked = None
    chat = application.chat
    known = uow.identities.find(chat["platform"], chat["user_id"]) if chat else None
    if chat and (known is None or known.role is Role.ANONYMOUS):
        linked = uow.identities.link(
            chat["platform"], chat["user_id"], chat["chat_id"], display_name, invite, now
        )
    uow.applications.update(
        replace(application, state=ApplicationState.FILED, dealer=DealerCode(code)), now
    )
    return Filed(plan, linked, None if linked else invite.code)
