"""`export KIND [PERIOD]`: one command, a registry of XLSX exporters (sales, violations, ...).

A feature adds its kind with `@exporter("complaints", label_key=...)`; the function gets the
context and the period's bounds and returns rows; `handlers.core.workbooks` writes the file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from domain.shared.outbox import OutgoingMessage
from domain.shared.periods import Period, PeriodError, PeriodKind
from domain.shared.ports import UnitOfWork
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import SUPPORTED, Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.core.registry import MARKETING, SALES_STAFF, SERVICE, require
from handlers.core.router import Exporter, Router
from handlers.core.workbooks import XLSX_MIME, workbook


@dataclass(frozen=True, slots=True)
class Window:
    period: Period
    start: datetime  # inclusive, business timezone midnight
    end: datetime  # exclusive


@dataclass(frozen=True, slots=True)
class Sheet:
    """An export's rows: a list, or (with `count`, known from a count query) an iterable
    read while the file is written, so a large export never holds its rows in memory."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    count: int | None = None

    @property
    def size(self) -> int:
        return self.count if self.count is not None else len(self.rows)  # type: ignore[arg-type]

    @property
    def streamed(self) -> bool:
        return self.count is not None


def period_window(ctx: Ctx, text: str | None, default: PeriodKind) -> Window:
    """The named period (default: the current one of kind `default`) in business time."""
    try:
        period = Period.parse(text) if text else Period.containing(ctx.today, default)
    except PeriodError:
        raise UserError("export.bad_period", value=(text or "")[:20]) from None
    tz = ctx.options.tz
    start = datetime.combine(period.start, time(0), tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tz)
    return Window(period, start, end)


def exporter_named(router: Router, word: str) -> Exporter | None:
    """The exporter a word names: its kind (sales) or its name in any language, whole or its
    start (销售, 违规记录, 投诉 for 投诉工单, Complaints)."""
    word = word.strip().casefold()
    if not word:
        return None
    if word in router.exporters:
        return router.exporters[word]
    starts: list[Exporter] = []
    for e in router.exporters.values():
        names = {Translator(locale)(e.label_key).casefold() for locale in SUPPORTED}
        if word in names:
            return e
        if len(word) >= 2 and any(n.startswith(word) for n in names):
            starts.append(e)
    return starts[0] if len(starts) == 1 else None


def export(ctx: Ctx) -> Reply:
    """Download a spreadsheet (XLSX) of your regions: sales, violations or complaints."""
    word = ctx.args[0] if ctx.args else ""
    found = exporter_named(ctx.router, word)
    if found is None:
        exporters = list(ctx.router.exporters.values())
        buttons = [Button(ctx.t(e.label_key), f"c:export {e.kind}") for e in exporters]
        # Named as the reader reads them: 投诉工单 in Chinese, Complaints in English.
        labels = [ctx.t(e.label_key) for e in exporters]
        kinds = ctx.t("names.list_separator").join(labels)
        example = (
            ctx.t(ctx.router.exporters["complaints"].label_key)
            if ("complaints" in ctx.router.exporters)
            else (labels[0] if labels else "")
        )
        if word:
            text = ctx.t("names.export_unknown", kind=word[:40], kinds=kinds, example=example)
        else:
            text = ctx.t("names.export_choose", kinds=kinds, example=example)
        return Reply(text, button_rows(buttons))
    kind = found.kind
    require(ctx, "export", found.kind)
    window = period_window(ctx, ctx.args[1] if len(ctx.args) > 1 else None, found.default_period)
    sheet = found.func(ctx, window)
    if sheet.size > ctx.options.export_max_rows:
        raise too_many_rows(ctx, kind, window)
    ctx.audit(f"export:{kind}", f"{window.period} rows={sheet.size}")
    name = f"{kind}-{window.period}.xlsx"
    t = ctx.t
    text = t("export.ready", kind=t(found.label_key), period=str(window.period), rows=sheet.size)
    if sheet.size <= ctx.options.export_inline_rows or ctx.background is None:
        return Reply(
            text, document=Attachment(name, workbook(kind, sheet.header, sheet.rows), XLSX_MIME)
        )
    return _export_later(ctx, found, window, name, text, sheet)


def shorter_periods(period: Period) -> list[Period]:
    """The periods one step shorter that make up `period` (a year's quarters, a quarter's
    months); none for a month."""
    shorter = {PeriodKind.YEAR: PeriodKind.QUARTER, PeriodKind.QUARTER: PeriodKind.MONTH}
    kind = shorter.get(period.kind)
    if kind is None:
        return []
    parts: list[Period] = []
    day = period.start
    while day <= period.end:
        part = Period.containing(day, kind)
        parts.append(part)
        day = part.end + timedelta(days=1)
    return parts


def too_many_rows(ctx: Ctx, kind: str, window: Window) -> UserError:
    """The refusal of an export over `export_max_rows`, naming shorter periods to ask for."""
    limit = ctx.options.export_max_rows
    parts = shorter_periods(window.period)
    if not parts:
        return UserError("export.too_many_rows_month", period=str(window.period), limit=limit)
    commands = ", ".join(f"/export {kind} {p}" for p in parts[:4])
    return UserError(
        "export.too_many_rows", period=str(window.period), limit=limit, commands=commands
    )


def _export_later(
    ctx: Ctx, found: Exporter, window: Window, name: str, text: str, sheet: Sheet
) -> Reply:
    """A large sheet is written in the background and sent through the outbox. A streamed
    one is read there afresh, in a transaction that only reads (on SQLite it holds no write
    lock while the rows are read and written), and its file is queued in a short one."""
    i, clock, t, kind = ctx.inbound, ctx.clock, ctx.t, found.kind
    key = f"{i.dedupe_key or uuid.uuid4().hex}:export"
    again = "/" + " ".join(("export", *ctx.args))

    def send(uow: UnitOfWork, reply: Reply) -> None:
        message = OutgoingMessage(
            key, i.platform, i.chat_id, reply.to_dict(), ctx.actor.identity_id
        )
        uow.outbox.enqueue(message, clock.now())

    def write(uow: UnitOfWork) -> None:
        rows, ready = sheet.rows, text
        if sheet.streamed:
            uow.read_only()
            try:  # read afresh: what was counted may have changed since
                again = found.func(replace(ctx, uow=uow, background=None), window)
            except UserError as refused:  # grew past the limit meanwhile: say so
                uow.rollback()
                send(uow, Reply(t(refused.key, **refused.params)))
                return
            rows = again.rows
            if again.size != sheet.size:
                label = t(found.label_key)
                ready = t("export.ready", kind=label, period=str(window.period), rows=again.size)
        data = workbook(kind, sheet.header, rows)
        if sheet.streamed:
            uow.rollback()  # the read ends here; the outbox row goes in a write of its own
        send(uow, Reply(ready, document=Attachment(name, data, XLSX_MIME)))

    def failed(uow: UnitOfWork, ref: str) -> None:
        send(uow, Reply(t("export.failed", ref=ref, command=again)))

    assert ctx.background is not None
    if not ctx.background.submit(f"export {kind}", write, failed):
        raise UserError("export.busy")
    return Reply(t("export.preparing", rows=sheet.size, command=again))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        export,
        "export",
        roles=SALES_STAFF | SERVICE | MARKETING,
        example="/export complaints 2026-07",
        aliases=("导出",),
        actions={
            "sales": SALES_STAFF,
            "violations": SALES_STAFF,
            "complaints": SERVICE,
            "stock": SALES_STAFF,
            # The marketing roles decide price exceptions and file approvals: theirs to export.
            "approvals": SALES_STAFF | MARKETING,
            # Rebate settlements are approved by sales managers and the marketing director.
            "rebates": SALES_STAFF | MARKETING,
            # Dealer applications pass every onboarding reviewer.
            "applications": SALES_STAFF | MARKETING,
            # Notices are sent by the marketing roles and followed by the sales side.
            "notices": SALES_STAFF | MARKETING,
            # Fee requests are reviewed by sales staff and paid by the marketing roles.
            "fees": SALES_STAFF | MARKETING,
            # Reporting deadlines: the sales side follows them, marketing files statements.
            "duties": SALES_STAFF | MARKETING,
            # Scorecards are signed off by sales managers; marketing reads the grades.
            "scores": SALES_STAFF | MARKETING,
        },
    )
