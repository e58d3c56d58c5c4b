"""A dealer sends its statement: the template as an XLSX is read and checked, a PDF or a photo
opens the short form for its key figures. All or nothing: a sheet with any problem stores
nothing and names every problem."""

from __future__ import annotations

from domain.duties.model import Source
from domain.duties.statements import is_statement_sheet, read_statement
from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.forms import start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.core.sheets import SheetError, SheetTable
from handlers.duties.filing import file_statement, refusal

TYPED = (".pdf", ".jpg", ".jpeg", ".png", ".heic", ".webp")
# The template's file name (financial-D001-2026-06.xlsx), or a name a dealer would give it.
NAMED = ("financial", "财务", "statement")


def _named_statement(filename: str) -> bool:
    name = filename.lower()
    return any(word in name for word in NAMED)


def statement_sheet(ctx: Ctx) -> Reply | None:
    """The statement template sent back filled in; any other sheet passes on (None)."""
    upload = ctx.inbound.file
    if upload is None or ctx.actor.role is not Role.DEALER:
        return None
    if not upload.filename.lower().endswith(".xlsx"):
        return None
    table = ctx.upload
    if isinstance(table, SheetError):
        if not _named_statement(upload.filename):
            return None  # a sales sheet's problem: the sales reader words it
        ctx.audit("statement.unreadable", upload.filename[:100])
        return Reply(ctx.t("statement.unreadable", reason=ctx.t(table.key, **table.params)))
    if not isinstance(table, SheetTable) or not is_statement_sheet(table.header):
        return None
    dealer = ctx.require_dealer()
    reading = read_statement(table.rows, dealer, ctx.today)
    if reading.problems:
        ctx.audit("statement.refused", f"{upload.filename[:100]} problems={len(reading.problems)}")
        return refusal(ctx.t, reading.problems)
    assert reading.period is not None and reading.figures is not None
    return file_statement(ctx, reading.period, reading.figures, Source.XLSX, upload.filename)


def statement_file(ctx: Ctx) -> Reply | None:
    """A PDF or photo from a dealer: its statement? The short form asks the month and figures."""
    upload = ctx.inbound.file
    if upload is None or ctx.actor.role is not Role.DEALER:
        return None
    if not upload.filename.lower().endswith(TYPED):
        return None
    name = f"{upload.filename[:150]} ({len(upload.content)} B)"
    return start_form(ctx, "statement", {"file_name": name})


def install(router: Router, jobs: Jobs) -> None:
    router.file(statement_sheet, priority=40)  # before the sales sheets (50)
    router.file(statement_file, priority=60)
