"""/apply (申请成为经销商): an unlinked user's application, a guided form of every field and
the documents, a summary to confirm, then the `onboarding` chain; `/apply status`; a
manager's `/apply for` starts one for a company. An application sent back for changes is
opened again with `/apply`, each answer kept unless changed, and resubmitted."""

from __future__ import annotations

from dataclasses import replace

from domain.approvals.model import Decision, Request, RequestId, State
from domain.approvals.services import ApprovalRefused, requester_move
from domain.identity.actors import Role
from domain.onboarding.model import Application, ApplicationState, Details, Document, DocumentKind
from domain.onboarding.rules import missing_documents
from domain.onboarding.services import apply as submit_application
from domain.onboarding.services import scope_of, subject_of
from handlers.approvals.commands import after_decision, refusal_text
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of
from handlers.approvals.texts import chain_text, rules_text
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step, start_form
from handlers.core.messages import Button, Reply
from handlers.core.registry import require
from handlers.onboarding.common import (
    applicant_chat,
    applicant_label,
    chain,
    found_duplicates,
    load,
    own_open,
    required_documents,
)
from handlers.onboarding.documents import DOC_STEPS, doc_file, doc_step, docs_of, documents_of
from handlers.onboarding.fields import FIELD_NAMES, field_steps
from handlers.onboarding.terms import applicant_answer
from handlers.onboarding.texts import details_text, listing, state_text

FORM_NAME = "onboarding_apply"
YES_WORDS = frozenset({"yes", "y", "是", "确认", "提交"})
FOR_WORDS = frozenset({"for", "代", "代申请"})


# -- summary and finish ------------------------------------------------------------------


def details_of(data: Data) -> Details:
    return Details.from_json({name: data[name] for name in FIELD_NAMES})


def _doc_summary(ctx: Ctx, data: Data) -> str:
    return listing(
        ctx.t,
        [
            f"{ctx.t(f'onboarding.doc.{k.value}')} x{n}"
            for k in DOC_STEPS.values()
            if (n := docs_of(data, k))
        ],
    )


def _ask_confirm(ctx: Ctx, data: Data) -> Reply:
    text = ctx.t(
        "onboarding.preview",
        summary=details_text(ctx.t, details_of(data), _doc_summary(ctx, data)),
        chain=rules_text(ctx.t, chain(ctx)),
    )
    return Reply(text, ((Button(ctx.t("onboarding.button.submit"), "f:yes"),),))


def _answer_confirm(ctx: Ctx, data: Data, value: str) -> str:
    if value.strip().lower() not in YES_WORDS:
        raise UserError("onboarding.confirm_please")
    return END


def card_lines(ctx: Ctx, application: Application) -> list:
    """What the approvers' card shows of the application, catalog keys with values."""
    d = application.details
    lines: list = [
        [
            "onboarding.card",
            {
                "number": application.number,
                "company": d.company_name,
                "credit_code": d.credit_code,
                "capital": ctx.t.money(d.registered_capital),
                "regions": "、".join(d.regions),
                "lines": "、".join(d.lines),
            },
        ]
    ]
    for dup in found_duplicates(ctx.uow, d, itself=application.id):
        lines.append([f"onboarding.card_clash.{dup.clash.value}", {"ref": dup.ref}])
    return lines


def _finish(ctx: Ctx, data: Data) -> Reply:
    details = details_of(data)
    missing = missing_documents([*documents_of(data), *_kept(data)], required_documents(ctx))
    if missing:
        raise UserError("onboarding.doc_missing", name=ctx.t(f"onboarding.doc.{missing[0].value}"))
    if data.get("resume"):
        return _resubmit(ctx, int(data["resume"]), details, documents_of(data))
    if ctx.actor.role is Role.ANONYMOUS and (already := own_open(ctx)) is not None:
        raise UserError("onboarding.already_open", number=already.number)
    application, request = submit_application(
        ctx.uow,
        details,
        documents_of(data),
        requester=applicant_label(ctx),
        chat=applicant_chat(ctx),
        chain=chain(ctx),
        now=ctx.now,
        # A manager applying for a company is told of each step in their own chat.
        extra=None if ctx.actor.role is Role.ANONYMOUS else {"_chat": chat_of(ctx.actor)},
    )
    payload = {**request.payload, "_lines": card_lines(ctx, application)}
    ctx.uow.approvals.revise_payload(request.id, payload)
    request = replace(request, payload=payload)
    ctx.audit("onboarding.apply", f"{application.number} #{request.id} {request.subject}"[:500])
    told = tell_step_approvers(ctx, request)
    return Reply(_sent_text(ctx, application, request, told))


def _kept(data: Data) -> list[Document]:
    """Placeholders for the documents a resubmitted application keeps (kinds only)."""
    return [
        Document(DocumentKind(kind), "", "", 0, "")
        for kind, n in data.get("kept_docs", {}).items()
        if n
    ]


def _sent_text(ctx: Ctx, application: Application, request: Request, told: int) -> str:
    key = "onboarding.sent" if told else "onboarding.sent_nobody"
    return ctx.t(key, number=application.number, chain=chain_text(ctx.t, request), told=told)


def _resubmit(ctx: Ctx, application_id: int, details: Details, docs: list[Document]) -> Reply:
    application = ctx.uow.applications.get(application_id)
    if application is None or application.requester != applicant_label(ctx):
        raise UserError("onboarding.not_found", id=str(application_id))
    request = ctx.uow.approvals.get(RequestId(application.request_id or 0))
    if request is None or request.state is not State.RETURNED:
        raise UserError("onboarding.not_returned", number=application.number)
    for kind in {d.kind for d in docs}:
        ctx.uow.applications.replace_documents(
            application.id, kind, [d for d in docs if d.kind is kind]
        )
    application = replace(application, details=details, terms_confirmed_at=None)
    ctx.uow.applications.update(application, ctx.now)
    payload = {
        **request.payload,
        "_scope": scope_of(details),
        "_lines": card_lines(ctx, ctx.uow.applications.get(application.id) or application),
    }
    ctx.uow.approvals.revise_payload(request.id, payload)
    request = replace(request, payload=payload, subject=subject_of(details))
    try:
        outcome = requester_move(
            ctx.uow.approvals,
            request,
            actor=applicant_label(ctx),
            decision=Decision.RESUBMIT,
            reason="",
            now=ctx.now,
            dedupe_key=f"{ctx.inbound.dedupe_key or ctx.now.isoformat()}:onboarding:{request.id}",
        )
    except ApprovalRefused as refused:
        return Reply(refusal_text(ctx, refused))
    after_decision(ctx, outcome)
    return Reply(
        ctx.t(
            "onboarding.resubmitted",
            number=application.number,
            chain=chain_text(ctx.t, outcome.request),
        )
    )


def _form() -> Form:
    steps = field_steps("licence")
    steps["licence"] = doc_step("licence", DocumentKind.BUSINESS_LICENCE, "qualification")
    steps["qualification"] = doc_step("qualification", DocumentKind.QUALIFICATION, "confirm")
    steps["confirm"] = Step(_ask_confirm, _answer_confirm)
    return Form(FORM_NAME, FIELD_NAMES[0], steps, _finish)


FORM = _form()


# -- the command -------------------------------------------------------------------------


def _prefilled(application: Application) -> Data:
    data: Data = dict(application.details.to_json())
    data["resume"] = application.id
    kept: dict[str, int] = {}
    for doc in application.documents:
        kept[doc.kind.value] = kept.get(doc.kind.value, 0) + 1
    data["kept_docs"] = kept
    return data


def status_text(ctx: Ctx, application: Application) -> str:
    request = ctx.uow.approvals.get(RequestId(application.request_id or 0))
    lines = [
        ctx.t(
            "onboarding.status",
            number=application.number,
            company=application.details.company_name,
            state=state_text(ctx.t, application),
            chain=chain_text(ctx.t, request) if request else "-",
        )
    ]
    if request is not None and request.state in (State.REJECTED, State.RETURNED):
        last = ctx.uow.approvals.last_decision(request.id)
        if last is not None and last.reason:
            lines.append(ctx.t("onboarding.status_reason", reason=last.reason))
    if application.state is ApplicationState.RETURNED:
        lines.append(ctx.t("onboarding.status_returned"))
    if application.terms is not None and application.terms_confirmed_at is None:
        lines.append(ctx.t("onboarding.status_terms"))
    return "\n".join(lines)


def apply_(ctx: Ctx) -> Reply | list[Reply]:
    """Apply to become a dealer (a guided form); `/apply status` shows where it stands."""
    words = [a.lower() for a in ctx.args]
    if words and words[0] in ("accept", "discuss"):  # the requester's press on the terms
        return applicant_answer(ctx, words[0], ctx.args[1:])
    if words and words[0] in FOR_WORDS:
        require(ctx, "apply", "for")
    if ctx.actor.role is Role.MANAGER:
        return _for_manager(ctx, words)
    mine = ctx.uow.applications.of_requester(applicant_label(ctx))
    if words and words[0] in ("status", "状态", "进度"):
        if not mine:
            return Reply(ctx.t("onboarding.status_none"))
        return Reply(status_text(ctx, mine[0]))
    open_ = own_open(ctx)
    if open_ is not None and open_.state is ApplicationState.RETURNED:
        return start_form(ctx, FORM_NAME, _prefilled(open_))
    if open_ is not None:
        already = ctx.t("onboarding.already_open", number=open_.number)
        return Reply(f"{already}\n{status_text(ctx, open_)}")
    return [
        Reply(ctx.t("onboarding.intro", chain=rules_text(ctx.t, chain(ctx)))),
        start_form(ctx, FORM_NAME, {}),
    ]


def _for_manager(ctx: Ctx, words: list[str]) -> Reply | list[Reply]:
    if not words or words[0] not in FOR_WORDS:
        raise UserError("onboarding.usage_manager")
    if len(ctx.args) > 1:  # `/apply for AP-00003`: a returned one they started, reopened
        application = load(ctx, ctx.args[1])
        if application.requester != ctx.actor.label:
            raise UserError("onboarding.not_found", id=ctx.args[1][:20])
        if application.state is not ApplicationState.RETURNED:
            raise UserError("onboarding.not_returned", number=application.number)
        return start_form(ctx, FORM_NAME, _prefilled(application))
    return start_form(ctx, FORM_NAME, {})


def install(router, jobs) -> None:
    router.form(FORM)
    for step, kind in DOC_STEPS.items():
        router.file_step(doc_file(kind, step), FORM_NAME, step)
