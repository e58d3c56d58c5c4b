"""Notice files (`notices load FILE.toml` on the command line, or the file sent in chat by a
manager who may send notices): checked against the catalog and the author, then sent (CLI)
or shown as the form's preview with 发送 (chat)."""

from __future__ import annotations

import base64
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import handlers.notices.delivery as delivery
from domain.catalog.model import ManagerCode
from domain.identity.actors import Seat
from domain.notices import services
from domain.notices.loading import NoticeDraft, NoticeFileError, notice_from_file
from domain.notices.model import Notice
from domain.notices.rules import deadline_of
from domain.shared.ports import UnitOfWork
from handlers.core.context import Ctx
from handlers.core.forms import start_form
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.options import CoreOptions
from handlers.core.registry import MARKETING
from handlers.core.router import Router
from handlers.notices.form import FORM, quiz_data

Problems = list[tuple[str, dict[str, Any]]]


def check(uow: UnitOfWork, draft: NoticeDraft, today: date) -> Problems:
    """What the catalog says against the draft: its author, its audience's codes, its date."""
    problems: Problems = []
    author = uow.catalog.manager(ManagerCode(draft.by))
    if author is None or Seat(author.role.value) not in MARKETING:
        problems.append(("notices.file_not_author", {"code": draft.by}))
    known = (
        {p.line for p in uow.catalog.products()},
        set(uow.catalog.region_tree().parents),
        {d.tier for d in uow.catalog.dealers() if d.tier},
    )
    aud = draft.audience
    wanted = (aud.lines, aud.regions, aud.tiers)
    unknown = [c for codes, have in zip(wanted, known, strict=True) for c in codes if c not in have]
    if unknown:
        problems.append(("notices.file_unknown_codes", {"codes": ", ".join(unknown)[:120]}))
    if draft.ack_by is not None and draft.ack_by < today:
        problems.append(("notices.date_past", {"value": draft.ack_by.isoformat()}))
    return problems


def as_notice(draft: NoticeDraft, options: CoreOptions) -> Notice:
    ack_by = deadline_of(draft.ack_by, options.tz) if draft.ack_by else None
    return Notice(
        0,
        draft.title,
        draft.body,
        draft.audience,
        draft.by,
        ack_by=ack_by,
        link=draft.link,
        file=draft.file,
        quiz=draft.quiz,
    )


def read_checked(
    uow: UnitOfWork,
    data: dict[str, Any],
    read: Callable[[str], bytes | None],
    options: CoreOptions,
    today: date,
    by: str = "",
) -> NoticeDraft:
    """The notice file's draft, checked against the catalog too; raises NoticeFileError
    naming every problem of both."""
    try:
        draft = notice_from_file(data, read, options.notice_max_attachment_bytes, by=by)
        problems: Problems = []
    except NoticeFileError as err:
        draft, problems = err.draft, list(err.problems)
    if draft is not None:
        problems += check(uow, draft, today)
    if problems or draft is None:
        raise NoticeFileError(problems)
    return draft


def load_and_send(
    uow: UnitOfWork,
    data: dict[str, Any],
    read: Callable[[str], bytes | None],
    now: datetime,
    options: CoreOptions,
    by: str = "",
) -> tuple[Notice, services.Reach]:
    """Read and check a notice file, store the notice and send it; raises NoticeFileError
    naming every problem (nothing stored)."""
    draft = read_checked(uow, data, read, options, now.astimezone(options.tz).date(), by)
    notice = as_notice(draft, options)
    notice = replace(notice, id=uow.notices.add(notice, now))
    return notice, delivery.publish(uow, notice, now, options)


def describe(t: Translator, err: NoticeFileError) -> list[str]:
    return [t(key, **params) for key, params in err.problems]


def notice_file(ctx: Ctx) -> Reply | None:
    """A .toml notice file from a manager who may send notices: its preview, with 发送."""
    upload = ctx.inbound.file
    if upload is None or not upload.filename.lower().endswith(".toml"):
        return None
    if ctx.actor.seat not in MARKETING:
        return None
    try:
        data = tomllib.loads(upload.content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Reply(ctx.t("notices.file_unreadable", error=str(exc)[:120]))
    by = ctx.actor.manager_code or ""
    try:
        # Files named in it cannot come along in chat (the CLI reads them): a link instead.
        draft = read_checked(ctx.uow, data, lambda name: None, ctx.options, ctx.today, by)
    except NoticeFileError as err:
        lines = [ctx.t("notices.file_refused", name=upload.filename[:60]), *describe(ctx.t, err)]
        return Reply("\n".join(lines))
    form = {
        "title": draft.title,
        "body": draft.body,
        "link": draft.link,
        "lines": list(draft.audience.lines),
        "regions": list(draft.audience.regions),
        "tiers": list(draft.audience.tiers),
        "ack_by": draft.ack_by.isoformat() if draft.ack_by else None,
        "quiz": quiz_data(draft.quiz),
    }
    if draft.file is not None:
        content = base64.b64encode(draft.file.content).decode("ascii")
        form["file"] = {"name": draft.file.filename, "mime": draft.file.mime, "content": content}
    ctx.audit("notice.file", upload.filename[:60])
    return start_form(ctx, FORM, form, step="confirm")


def install(router: Router, jobs: Jobs) -> None:
    router.file(notice_file, priority=40)
