"""A dealer uploads a sales sheet (CSV or XLSX): every row is checked first, and the sheet is
recorded whole or not at all. Columns are documented in the README ("Sales sheets")."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import handlers.sales.inputs as inputs
from domain.catalog.model import Sku, TerminalCode
from domain.identity.actors import Role
from domain.sales.model import SaleDraft, Severity
from domain.sales.services import validate_sale
from domain.shared.money import multiply
from handlers.catalog.matching import NameIndex, product_names, resolve, terminal_names
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.core.sheets import SheetError, is_sheet, named_rows, read_upload
from handlers.policy.governing import governing_rules
from handlers.sales.recording import managers_told_line, problem_key, record, violation_text

COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("product", "产品", "产品编码", "型号"),
    "qty": ("quantity", "数量"),
    "unit_price": ("price", "单价"),
    "terminal_code": ("terminal", "终端", "终端编码"),
    "sold_on": ("date", "日期", "销售日期"),
    "kind": ("type", "类型"),
}
REQUIRED = ("sku", "qty", "unit_price", "terminal_code")
MAX_LISTED = 30


def _read_row(ctx: Ctx, row: dict[str, str], names: NameIndex, terminals: NameIndex) -> SaleDraft:
    """One row as a sale draft, or UserError naming what is wrong with it."""
    for column in REQUIRED:
        if not row.get(column):
            raise UserError("upload.missing_value", column=column)
    product = resolve(row["sku"], names)
    if product.key is None:
        raise UserError(
            "upload.unknown_product",
            value=row["sku"][:40],
            options=", ".join(product.candidates) or "-",
        )
    terminal = resolve(row["terminal_code"], terminals)
    if terminal.key is None:
        raise UserError(
            "upload.unknown_terminal",
            value=row["terminal_code"][:40],
            options=", ".join(terminal.candidates) or "-",
        )
    kind = inputs.read_kind(row.get("kind", ""))
    if kind is None:
        raise UserError("upload.bad_kind", value=row["kind"][:20])
    sold_on = inputs.read_day(row["sold_on"], ctx.today) if row.get("sold_on") else ctx.today
    draft = SaleDraft(
        dealer=ctx.require_dealer(),
        sku=Sku(product.key),
        qty=inputs.read_qty(row["qty"]),
        unit_price=inputs.read_price(row["unit_price"]),
        terminal=TerminalCode(terminal.key),
        sold_on=sold_on,
        kind=kind,
        source_text=", ".join(f"{k}={v}" for k, v in row.items())[:500],
    )
    problem = validate_sale(draft, ctx.today)
    if problem is not None:
        raise UserError(problem_key(problem), max_days=366)
    return draft


def sales_sheet(ctx: Ctx) -> Reply | None:
    """A CSV/XLSX from a dealer is a sales sheet; other files pass on (None)."""
    upload = ctx.inbound.file
    if upload is None or ctx.actor.role is not Role.DEALER or not is_sheet(upload.filename):
        return None
    table = ctx.upload if ctx.upload is not None else read_upload(upload)
    if isinstance(table, SheetError):
        return Reply(ctx.t(table.key, **table.params))
    assert table is not None
    header, rows = named_rows(table, COLUMNS)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return Reply(
            ctx.t("upload.missing_columns", missing=", ".join(missing), columns=", ".join(COLUMNS))
        )
    if not rows:
        return Reply(ctx.t("sheet.empty"))
    names = NameIndex(product_names(ctx.uow.catalog.products()))  # once per sheet, not per row
    terminals = NameIndex(terminal_names(ctx.uow.catalog.terminals()))
    drafts: list[SaleDraft] = []
    bad: list[str] = []
    for line, row in rows:
        try:
            drafts.append(_read_row(ctx, row, names, terminals))
        except UserError as err:
            bad.append(ctx.t("upload.bad_row", line=line, reason=ctx.t(err.key, **err.params)))
    if bad:
        shown = bad[:MAX_LISTED]
        more = (
            [ctx.t("upload.more_bad", count=len(bad) - len(shown))] if len(bad) > len(shown) else []
        )
        head = ctx.t("upload.rejected", bad=len(bad), total=len(rows))
        return Reply("\n".join([head, *shown, *more]))
    # The same sheet sent again the same day is the same sales, not new ones: the rows are
    # keyed by the file's content, so a second upload finds them already recorded.
    digest = hashlib.sha256(upload.content).hexdigest()[:32]
    base = f"sheet:{ctx.actor.dealer_code}:{ctx.today.isoformat()}:{digest}"
    earlier = ctx.uow.sales.by_dedupe_key(f"{base}:row1")
    if earlier is not None:
        return Reply(ctx.t("upload.already_recorded", count=len(drafts), first=earlier.id))
    recorded = [record(ctx, d, f"{base}:row{i}") for i, d in enumerate(drafts, start=1)]
    total = sum((multiply(d.unit_price, d.qty) for d in drafts), Decimal("0"))
    violations = [v for r in recorded for v in r.violations]
    lines = [
        ctx.t(
            "upload.recorded",
            count=len(recorded),
            amount=ctx.t.money(total),
            first=recorded[0].sale.id,
            last=recorded[-1].sale.id,
        )
    ]
    if violations:
        lines.append(ctx.t("upload.violations", count=len(violations)))
        rules = governing_rules(ctx)
        listed = [
            f"• #{r.sale.id}: " + violation_text(ctx.t, v, rules)
            for r in recorded
            for v in r.violations
        ]
        lines += listed[:MAX_LISTED]
        if len(listed) > MAX_LISTED:
            lines.append(ctx.t("upload.more_violations", count=len(listed) - MAX_LISTED))
        if any(v.severity is Severity.SEVERE for v in violations):
            told = max((r.managers_told for r in recorded), default=0)
            held = next((r.held_for for r in recorded if r.held_for), ())
            lines.append(managers_told_line(ctx, told, held))
    else:
        lines.append(ctx.t("upload.clean"))
    ctx.audit("sales.uploaded", f"{upload.filename} rows={len(recorded)}")
    return Reply("\n".join(lines))


def install(router: Router, jobs: Jobs) -> None:
    router.file(sales_sheet, priority=50)
