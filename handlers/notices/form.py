"""The `notice new` guided form: title, text, attachment (PDF, DOCX, image) or link,
audience (product lines, regions, tiers), acknowledge-by date, optional quiz, then a
preview naming whom it reaches, and 发送."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import date

import handlers.notices.delivery as delivery
from domain.catalog.model import ProductLine, RegionCode
from domain.notices.loading import NoticeFileError, attachment_type, is_link, parse_quiz_text
from domain.notices.model import Notice, NoticeFile, Question, Quiz
from domain.notices.rules import deadline_of
from domain.notices.services import reach
from domain.promotions.model import Audience
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.core.router import Router

FORM = "notice_new"
SKIP = "__skip__"
ALL = "__all__"
SKIP_WORDS = {SKIP, "skip", "跳过", "无", "none", "-"}
ALL_WORDS = {ALL, "all", "全部", "所有"}
_SPLIT = re.compile(r"[,，、;；\s]+")


def _skip_row(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("notices.skip_button"), f"f:{SKIP}"),),)


def _text(field: str, nxt: str, limit: int):
    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if not value or value.startswith("f:"):
            raise UserError("notices.need_text")
        if len(value) > limit:
            raise UserError("notices.too_long", max=limit)
        data[field] = value
        return nxt

    return answer


def _ask_title(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("notices.ask_title"))


def _ask_body(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("notices.ask_body"))


def _ask_attachment(ctx: Ctx, data: Data) -> Reply:
    return Reply(
        ctx.t("notices.ask_attachment", max=ctx.options.notice_max_attachment_mb), _skip_row(ctx)
    )


def _answer_attachment(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in SKIP_WORDS:
        data.pop("file", None)
        data["link"] = ""
        return "lines"
    if not is_link(value) or len(value) > 500:
        raise UserError("notices.need_attachment")
    data["link"] = value.strip()
    return "lines"


def _attachment_file(ctx: Ctx, data: Data, file: Attachment) -> str:
    mime = attachment_type(file.filename, file.mime)
    if mime is None:
        raise UserError("notices.not_attachable", name=file.filename[:60])
    if len(file.content) > ctx.options.notice_max_attachment_bytes:
        raise UserError("notices.too_big", max=ctx.options.notice_max_attachment_mb)
    data["file"] = {
        "name": file.filename[:200],
        "mime": mime,
        "content": base64.b64encode(file.content).decode("ascii"),
    }
    return "lines"


def _choices(ctx: Ctx, values: list[str]) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(v, f"f:{v}") for v in values[:9]]
    return (*button_rows(buttons), (Button(ctx.t("notices.all_button"), f"f:{ALL}"),))


def _known_lines(ctx: Ctx) -> set[str]:
    return {p.line for p in ctx.uow.catalog.products()}


def _known_regions(ctx: Ctx) -> set[str]:
    return set(ctx.uow.catalog.region_tree().parents)


def _known_tiers(ctx: Ctx) -> set[str]:
    return {d.tier for d in ctx.uow.catalog.dealers() if d.tier}


def _list(field: str, nxt: str, known_of):
    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value.lower() in ALL_WORDS:
            data[field] = []
            return nxt
        items = [v for v in _SPLIT.split(value) if v]
        unknown = [v for v in items if v not in known_of(ctx)]
        if not items or unknown:
            raise UserError("notices.unknown_choice", value=", ".join(unknown)[:80] or value[:40])
        data[field] = items
        return nxt

    return answer


def _ask_lines(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("notices.ask_lines"), _choices(ctx, sorted(_known_lines(ctx))))


def _ask_regions(ctx: Ctx, data: Data) -> Reply:
    mine = list(ctx.actor.manager_regions) or sorted(_known_regions(ctx))
    return Reply(ctx.t("notices.ask_regions"), _choices(ctx, mine))


def _ask_tiers(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("notices.ask_tiers"), _choices(ctx, sorted(_known_tiers(ctx))))


def _ask_ack_by(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("notices.ask_ack_by"), _skip_row(ctx))


def _answer_ack_by(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in SKIP_WORDS:
        data["ack_by"] = None
        return "quiz"
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UserError("notices.bad_date", value=value[:30]) from None
    if day < ctx.today:
        raise UserError("notices.date_past", value=day.isoformat())
    data["ack_by"] = day.isoformat()
    return "quiz"


def _ask_quiz(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("notices.ask_quiz"), _skip_row(ctx))


def _answer_quiz(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in SKIP_WORDS:
        data["quiz"] = []
        return "confirm"
    try:
        quiz = parse_quiz_text(value)
    except NoticeFileError as err:
        key, params = err.problems[0]
        raise UserError(key, **params) from None
    data["quiz"] = quiz_data(quiz)
    return "confirm"


def quiz_data(quiz: Quiz | None) -> list[dict]:
    """A quiz as the form keeps it (JSON)."""
    if quiz is None:
        return []
    return [{"q": q.text, "choices": list(q.choices), "answer": q.answer} for q in quiz.questions]


def _quiz_of(data: list[dict]) -> Quiz | None:
    if not data:
        return None
    return Quiz(tuple(Question(q["q"], tuple(q["choices"]), int(q["answer"])) for q in data))


def draft(ctx: Ctx, data: Data) -> Notice:
    file = None
    if data.get("file"):
        f = data["file"]
        file = NoticeFile(f["name"], f["mime"], base64.b64decode(f["content"]))
    return Notice(
        id=0,
        title=data["title"],
        body=data["body"],
        audience=Audience(
            tuple(ProductLine(x) for x in data.get("lines", [])),
            tuple(RegionCode(x) for x in data.get("regions", [])),
            tuple(data.get("tiers", [])),
        ),
        created_by=ctx.actor.manager_code or "",
        ack_by=deadline_of(date.fromisoformat(data["ack_by"]), ctx.options.tz)
        if data.get("ack_by")
        else None,
        link=data.get("link", ""),
        file=file,
        quiz=_quiz_of(data.get("quiz") or []),
    )


def _ask_confirm(ctx: Ctx, data: Data) -> Reply:
    notice = draft(ctx, data)
    target = reach(ctx.uow, notice)
    shown = delivery.render(notice, ctx.t, ctx.options)
    head = ctx.t("notices.preview", dealers=len(target.dealers), contacts=target.contacts)
    return Reply(
        f"{head}\n\n{shown.text}",
        ((Button(ctx.t("notices.send_button"), "f:go"),),),
        image=shown.image,
        document=shown.document,
    )


def _answer_confirm(ctx: Ctx, data: Data, value: str) -> str:
    if value != "go":
        raise UserError("notices.press_button")
    return END


def _finish(ctx: Ctx, data: Data) -> Reply:
    notice = draft(ctx, data)
    notice = replace(notice, id=ctx.uow.notices.add(notice, ctx.now))
    sent = delivery.publish(ctx.uow, notice, ctx.now, ctx.options)
    ctx.audit("notice.send", f"{notice.id} contacts={sent.contacts}")
    if not sent.contacts:
        return Reply(ctx.t("notices.sent_nobody", id=notice.id))
    return Reply(
        ctx.t("notices.sent", id=notice.id, dealers=len(sent.dealers), contacts=sent.contacts)
    )


NOTICE_FORM = Form(
    name=FORM,
    first="title",
    steps={
        "title": Step(_ask_title, _text("title", "body", 200)),
        "body": Step(_ask_body, _text("body", "attachment", 4000)),
        "attachment": Step(_ask_attachment, _answer_attachment),
        "lines": Step(_ask_lines, _list("lines", "regions", _known_lines)),
        "regions": Step(_ask_regions, _list("regions", "tiers", _known_regions)),
        "tiers": Step(_ask_tiers, _list("tiers", "ack_by", _known_tiers)),
        "ack_by": Step(_ask_ack_by, _answer_ack_by),
        "quiz": Step(_ask_quiz, _answer_quiz),
        "confirm": Step(_ask_confirm, _answer_confirm),
    },
    finish=_finish,
)


def install(router: Router, jobs: Jobs) -> None:
    router.file_step(_attachment_file, FORM, "attachment")
    router.form(NOTICE_FORM)
