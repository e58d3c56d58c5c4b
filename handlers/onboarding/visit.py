"""`/application ID visit`: the regional director's site visit (考察), a report, photos and a
1–5 score on each of the six criteria, kept on the application before their approval."""

from __future__ import annotations

import base64
from dataclasses import replace

from domain.approvals.model import Request, RequestId, State
from domain.catalog.model import ManagerRole
from domain.onboarding.model import CRITERIA, SCORE_RANGE, Application, DocumentKind, Visit
from domain.onboarding.rules import document
from handlers.approvals.commands import actionable
from handlers.approvals.texts import decision_buttons
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step, start_form
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.onboarding.documents import accepted_type
from handlers.onboarding.texts import visit_text

FORM_NAME = "onboarding_visit"
MAX_PHOTOS = 6
MAX_REPORT = 2000
DONE_WORDS = frozenset({"done", "完成", "skip", "跳过", "没有"})


def step_request(ctx: Ctx, application: Application, role: ManagerRole) -> Request:
    """The application's request, if it waits at `role`'s step for this actor."""
    request = ctx.uow.approvals.get(RequestId(application.request_id or 0))
    if request is None or request.state is not State.PENDING:
        raise UserError("onboarding.not_in_review", number=application.number)
    rule = request.chain[request.step]
    if rule.role is not role or not actionable(ctx, request):
        raise UserError(
            "onboarding.not_your_step",
            number=application.number,
            role=ctx.t(f"seat.{role.value}"),
        )
    return request


def start_visit(ctx: Ctx, application: Application) -> Reply:
    step_request(ctx, application, ManagerRole.REGIONAL_DIRECTOR)
    return start_form(ctx, FORM_NAME, {"application": application.id, "number": application.number})


def _ask_report(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("onboarding.visit.ask_report", number=data["number"]))


def _answer_report(ctx: Ctx, data: Data, value: str) -> str:
    if not value.strip():
        raise UserError("onboarding.visit.report_empty")
    data["report"] = value.strip()[:MAX_REPORT]
    return "photos"


def _ask_photos(ctx: Ctx, data: Data) -> Reply:
    n = len(data.get("photos", []))
    return Reply(
        ctx.t("onboarding.visit.ask_photos", n=n, max=MAX_PHOTOS),
        ((Button(ctx.t("onboarding.button.done"), "f:done"),),),
    )


def _answer_photos(ctx: Ctx, data: Data, value: str) -> str:
    if value.strip().lower() not in DONE_WORDS:
        raise UserError("onboarding.visit.photo_expected")
    return CRITERIA[0]


def _photo(ctx: Ctx, data: Data, file: Attachment) -> str:
    mime = accepted_type(file)
    if mime is None or not mime.startswith("image/"):
        raise UserError("onboarding.doc_type", name=file.filename[:60])
    if len(file.content) > ctx.options.onboarding_max_document_mb * 1024 * 1024:
        raise UserError(
            "onboarding.doc_too_big",
            name=file.filename[:60],
            max=ctx.options.onboarding_max_document_mb,
        )
    photos = data.setdefault("photos", [])
    if len(photos) >= MAX_PHOTOS:
        raise UserError("onboarding.doc_too_many", max=MAX_PHOTOS)
    photos.append(
        {
            "filename": file.filename or f"visit{len(photos) + 1}.jpg",
            "mime": mime,
            "content": base64.b64encode(file.content).decode("ascii"),
        }
    )
    return "photos"


def _score_step(criterion: str, following: str) -> Step:
    def ask(ctx: Ctx, data: Data) -> Reply:
        n = CRITERIA.index(criterion) + 1
        text = ctx.t(
            "onboarding.visit.ask_score",
            criterion=ctx.t(f"onboarding.criterion.{criterion}"),
            n=n,
            of=len(CRITERIA),
        )
        buttons = [Button(str(s), f"f:{s}") for s in SCORE_RANGE]
        return Reply(text, button_rows(buttons, per_row=5))

    def answer(ctx: Ctx, data: Data, value: str) -> str:
        value = value.strip()
        if not value.isdigit() or int(value) not in SCORE_RANGE:
            raise UserError(
                "onboarding.visit.bad_score",
                value=value[:20],
                criterion=ctx.t(f"onboarding.criterion.{criterion}"),
            )
        data.setdefault("scores", {})[criterion] = int(value)
        return following

    return Step(ask, answer)


def _finish(ctx: Ctx, data: Data) -> Reply:
    application = ctx.uow.applications.get(int(data["application"]))
    if application is None:
        raise UserError("onboarding.not_found", id=str(data["application"]))
    request = step_request(ctx, application, ManagerRole.REGIONAL_DIRECTOR)
    visit = Visit(data["report"], dict(data["scores"]), ctx.actor.label, ctx.today)
    ctx.uow.applications.update(replace(application, visit=visit), ctx.now)
    photos = [
        document(DocumentKind.VISIT_PHOTO, p["filename"], p["mime"], base64.b64decode(p["content"]))
        for p in data.get("photos", [])
    ]
    ctx.uow.applications.replace_documents(application.id, DocumentKind.VISIT_PHOTO, photos)
    ctx.audit("onboarding.visit", f"{application.number} {visit.total}/{5 * len(CRITERIA)}")
    text = ctx.t(
        "onboarding.visit.saved",
        number=application.number,
        card=visit_text(ctx.t, visit),
        photos=len(photos),
        id=request.id,
    )
    return Reply(text, decision_buttons(ctx.t, request))


def _form() -> Form:
    steps = {
        "report": Step(_ask_report, _answer_report),
        "photos": Step(_ask_photos, _answer_photos),
    }
    following = [*CRITERIA[1:], END]
    for criterion, nxt in zip(CRITERIA, following, strict=True):
        steps[criterion] = _score_step(criterion, nxt)
    return Form(FORM_NAME, "report", steps, _finish)


FORM = _form()


def install(router, jobs) -> None:
    router.form(FORM)
    router.file_step(_photo, FORM_NAME, "photos")
