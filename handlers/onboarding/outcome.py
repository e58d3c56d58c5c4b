"""What a decision on an application does, in the decision's transaction.

The regional director's approval needs the visit report and the six scores first; the
sales manager's needs contract terms the applicant has confirmed. The last approval files
the application (备案): the dealer, its contract (whose deposit the deposit ledger then
expects), its authorizations and the applicant's chat as its first contact, all or nothing.
A rejection or return is told to the applicant with its reason by the engine; this adds
what it means for the application."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.approvals.model import Decision, DecisionRecord, Kind, Request, State
from domain.catalog.model import ManagerRole
from domain.onboarding.model import Application, ApplicationState
from domain.onboarding.services import Filed, file_application
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.messages import Reply
from handlers.core.router import Router

ENDED = {
    State.REJECTED: ApplicationState.REJECTED,
    State.WITHDRAWN: ApplicationState.WITHDRAWN,
    State.EXPIRED: ApplicationState.EXPIRED,
    State.RETURNED: ApplicationState.RETURNED,
}


def _step_role(request: Request, step: int) -> ManagerRole | None:
    return request.chain[step].role if step < len(request.chain) else None


def _check_step(application: Application, request: Request, record: DecisionRecord) -> None:
    """Refuse an approval its step's work is missing for (the whole decision rolls back)."""
    role = _step_role(request, record.step)
    if role is ManagerRole.REGIONAL_DIRECTOR and not (
        application.visit and application.visit.complete
    ):
        raise UserError("onboarding.visit_first", number=application.number, id=application.id)
    if role is ManagerRole.SALES_MANAGER:
        if application.terms is None:
            raise UserError("onboarding.terms_first", number=application.number, id=application.id)
        if application.terms_confirmed_at is None:
            raise UserError("onboarding.terms_unconfirmed", number=application.number)


def on_decided(ctx: Ctx, request: Request, record: DecisionRecord) -> str:
    application = ctx.uow.applications.by_request(request.id)
    if application is None:
        return ""
    if record.decision is Decision.APPROVE:
        _check_step(application, request, record)
    if request.state is State.APPROVED:
        return _file(ctx, application, request)
    if request.state in ENDED:
        ctx.uow.applications.update(replace(application, state=ENDED[request.state]), ctx.now)
        return ctx.t(f"onboarding.effect.{request.state.value}", number=application.number)
    if application.state is not ApplicationState.REVIEW:  # resubmitted
        ctx.uow.applications.update(replace(application, state=ApplicationState.REVIEW), ctx.now)
    return ""


def _file(ctx: Ctx, application: Application, request: Request) -> str:
    if application.terms is None or application.terms_confirmed_at is None:
        raise UserError("onboarding.terms_unconfirmed", number=application.number)
    try:
        filed = file_application(
            ctx.uow,
            application,
            prefix=ctx.options.onboarding_code_prefix,
            now=ctx.now,
            invite_ttl=timedelta(hours=ctx.options.invite_ttl_hours),
            display_name=(application.chat or {}).get("name", ""),
        )
    except ValueError as err:
        ctx.audit("onboarding.file_refused", f"{application.number} {err}"[:500])
        raise UserError("onboarding.file_refused", number=application.number) from None
    dealer = filed.filing.dealer
    ctx.audit(
        "onboarding.file", f"{application.number} #{request.id} -> {dealer.code} {dealer.name}"
    )
    if filed.linked is not None:
        _welcome(ctx, filed, application)
        return ctx.t(
            "onboarding.filed_linked",
            dealer=dealer.code,
            name=dealer.name,
            deposit=ctx.t.money(filed.filing.contract.deposit),
            auths=len(filed.filing.authorizations),
        )
    return ctx.t(
        "onboarding.filed_invite",
        dealer=dealer.code,
        name=dealer.name,
        deposit=ctx.t.money(filed.filing.contract.deposit),
        auths=len(filed.filing.authorizations),
        code=filed.invite_code,
    )


def _welcome(ctx: Ctx, filed: Filed, application: Application) -> None:
    linked = filed.linked
    assert linked is not None
    dealer, contract = filed.filing.dealer, filed.filing.contract
    locale = (application.chat or {}).get("locale")
    recipient = replace(linked, locale=linked.locale or locale)

    def build(t: Translator) -> Reply:
        return Reply(
            t(
                "onboarding.welcome",
                dealer=dealer.code,
                name=dealer.name,
                start=t.date(contract.start),
                end=t.date(contract.end),
                deposit=t.money(contract.deposit),
            )
        )

    ctx.notify(recipient, f"onboarding:{application.id}:welcome", build)


def install(router: Router, jobs) -> None:
    router.approval_outcome(on_decided, Kind.ONBOARDING.value)
