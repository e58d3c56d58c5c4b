"""Managers' view of applications: `/applications [open|STATE]`, `/application ID` (the whole
file, the scores, the visit report, the documents as attachments, and `visit` / `terms` for
the step's own work), and `/export applications`."""

from __future__ import annotations

from domain.approvals.model import RequestId
from domain.catalog.model import ManagerRole
from domain.onboarding.model import CRITERIA, OPEN_STATES, Application, ApplicationState
from domain.onboarding.services import scope_of
from handlers.approvals.commands import actionable
from handlers.approvals.people import covers
from handlers.approvals.texts import decision_buttons
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.exports import Sheet, Window
from handlers.core.messages import Attachment, Reply
from handlers.onboarding.common import found_duplicates, load
from handlers.onboarding.terms import start_terms
from handlers.onboarding.texts import application_text, state_text
from handlers.onboarding.visit import start_visit

MAX_LISTED = 30
FILTERS = {
    "open": tuple(OPEN_STATES),
    "all": None,
    **{s.value: (s,) for s in ApplicationState},
    "approved": (ApplicationState.FILED,),
    "decided": (
        ApplicationState.FILED,
        ApplicationState.REJECTED,
        ApplicationState.WITHDRAWN,
        ApplicationState.EXPIRED,
    ),
}


def visible(ctx: Ctx, application: Application) -> bool:
    """Admins see every application; a manager those of their regions (and lines)."""
    if ctx.actor.is_admin:
        return True
    manager = ctx.uow.catalog.manager(ctx.actor.manager_code) if ctx.actor.manager_code else None
    return manager is not None and covers(ctx.uow, manager, scope_of(application.details))


def applications(ctx: Ctx) -> Reply:
    """Applications to become a dealer in your regions: open (default) or of a state."""
    word = ctx.args[0].lower() if ctx.args else "open"
    if word not in FILTERS:
        raise UserError("onboarding.list_usage", choices=" | ".join(FILTERS))
    found = [a for a in ctx.uow.applications.listed(FILTERS[word]) if visible(ctx, a)]
    if not found:
        return Reply(ctx.t("onboarding.list_none"))
    lines = [ctx.t("onboarding.list_title", count=len(found))]
    for a in found[:MAX_LISTED]:
        lines.append(
            ctx.t(
                "onboarding.list_line",
                number=a.number,
                company=a.details.company_name,
                regions="、".join(a.details.regions),
                state=state_text(ctx.t, a),
                at=ctx.t.date(a.created_at.astimezone(ctx.options.tz).date()),
            )
        )
    return Reply("\n".join(lines))


def application(ctx: Ctx) -> Reply | list[Reply]:
    """One application's whole file, or its step's work: ID [visit|terms]."""
    if not ctx.args:
        raise UserError("onboarding.file_usage")
    found = load(ctx, ctx.args[0])
    if not visible(ctx, found):
        raise UserError("onboarding.not_found", id=ctx.args[0][:20])
    action = ctx.args[1].lower() if len(ctx.args) > 1 else ""
    if action in ("visit", "考察"):
        return start_visit(ctx, found)
    if action in ("terms", "合同", "条款"):
        return start_terms(ctx, found)
    if action:
        raise UserError("onboarding.file_usage")
    return _file(ctx, found)


def _file(ctx: Ctx, found: Application) -> list[Reply]:
    text = application_text(ctx.t, found, found_duplicates(ctx.uow, found.details, found.id))
    request = ctx.uow.approvals.get(RequestId(found.request_id or 0))
    buttons: tuple = ()
    if request is not None and actionable(ctx, request):
        rule = request.chain[request.step]
        hint = (
            {
                ManagerRole.REGIONAL_DIRECTOR: "onboarding.hint_visit",
                ManagerRole.SALES_MANAGER: "onboarding.hint_terms",
            }.get(rule.role)
            if rule.role
            else None
        )
        if hint:
            text += "\n" + ctx.t(hint, id=found.id)
        buttons = decision_buttons(ctx.t, request)
    replies = [Reply(text, buttons)]
    for doc in ctx.uow.applications.document_files(found.id):
        caption = ctx.t(
            "onboarding.doc_caption",
            kind=ctx.t(f"onboarding.doc.{doc.kind.value}"),
            size=ctx.t.number(doc.size),
            sha=doc.sha256[:16],
        )
        replies.append(Reply(caption, document=Attachment(doc.filename, doc.content, doc.mime)))
    return replies


HEADER_KEYS = (
    "number",
    "company",
    "credit_code",
    "legal_rep",
    "contact",
    "phone",
    "capital",
    "staff",
    "regions",
    "lines",
    "state",
    *CRITERIA,
    "total",
    "dealer",
    "created",
)


def export_applications(ctx: Ctx, window: Window) -> Sheet:
    rows = []
    tz = ctx.options.tz
    for a in ctx.uow.applications.listed():
        if not (window.start <= a.created_at < window.end) or not visible(ctx, a):
            continue
        d, visit = a.details, a.visit
        scores = [visit.scores.get(c, "") if visit else "" for c in CRITERIA]
        rows.append(
            [
                a.number,
                d.company_name,
                d.credit_code,
                d.legal_rep,
                d.contact_name,
                d.contact_phone,
                d.registered_capital,
                d.staff_count,
                "、".join(d.regions),
                "、".join(d.lines),
                state_text(ctx.t, a),
                *scores,
                visit.total if visit else "",
                a.dealer or "",
                a.created_at.astimezone(tz).replace(tzinfo=None),
            ]
        )
    header = [
        ctx.t(f"onboarding.criterion.{k}") if k in CRITERIA else ctx.t(f"export.applications.{k}")
        for k in HEADER_KEYS
    ]
    return Sheet(header, list(reversed(rows)))
