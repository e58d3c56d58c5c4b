"""report: dealers report what they sold."""

from __future__ import annotations

from datetime import date

import handlers.sales.inputs as inputs
from domain.catalog.model import Sku, TerminalCode
from domain.sales.model import SaleDraft, SaleKind
from domain.sales.services import SaleDoubted, SaleRejected
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.examples import report_example
from handlers.core.forms import start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER
from handlers.core.router import Router
from handlers.sales.drafts import ask_for_terminal, draft_for_doubt
from handlers.sales.form import draft_from  # noqa: F401  (registers the form)
from handlers.sales.recording import (
    dedupe_key_for,
    product_label,
    receipt,
    record,
)


def _kind_and_rest(args: tuple[str, ...]) -> tuple[SaleKind, list[str]]:
    if args and inputs.read_kind(args[0]) is SaleKind.TENDER:
        return SaleKind.TENDER, list(args[1:])
    return SaleKind.RETAIL, list(args)


def _split(words: list[str]) -> tuple[str, str, str, str]:
    """PRODUCT QTY PRICE [TERMINAL], where product and terminal names may have spaces: the
    quantity and price are the first two neighbouring words that read as such."""
    for i in range(1, len(words) - 1):
        try:
            inputs.read_qty(words[i])
            inputs.read_price(words[i + 1])
        except UserError:
            continue
        return " ".join(words[:i]), words[i], words[i + 1], " ".join(words[i + 2 :])
    return words[0], words[1], words[2], " ".join(words[3:])  # reports the bad number


def _command_line(
    kind: SaleKind, sku: str, qty: str, price: str, terminal: str, day: date, today: date
) -> str:
    words = ["report", *(["tender"] if kind is SaleKind.TENDER else []), sku, qty, price]
    if terminal:
        words.append(terminal)
    if day != today:
        words.append(day.isoformat())
    return "c:" + " ".join(words)


def report(ctx: Ctx) -> Reply:
    """Report a sale: [tender] SKU QTY PRICE [TERMINAL] [DAY]; without arguments, a guided
    form. DAY (2026-11-03, 昨天) is for a sale reported late; it defaults to today."""
    dealer = ctx.require_dealer()
    kind, words = _kind_and_rest(ctx.args)
    if not words:
        return start_form(ctx, "report", {"kind": kind.value})
    day = ctx.today
    if len(words) > 3 and inputs.looks_like_day(words[-1]):
        day = inputs.read_day(words.pop(), ctx.today)
    if len(words) < 3:
        raise UserError("sale.usage", example=report_example(ctx, dealer))
    sku_text, qty_text, price_text, terminal_text = _split(words)
    qty, price = inputs.read_qty(qty_text), inputs.read_price(price_text)
    data = {
        "kind": kind.value,
        "qty": qty,
        "price": str(price),
        "sold_on": day.isoformat(),
        "text": ctx.inbound.text[:500],
    }
    if terminal_text:
        # The usual report names exact codes: try them as typed, one round of lookups.
        typed = SaleDraft(
            dealer,
            Sku(inputs.as_code(sku_text)),
            qty,
            price,
            TerminalCode(inputs.as_code(terminal_text)),
            day,
            kind,
            ctx.inbound.text,
        )
        try:
            recorded = record(ctx, typed, dedupe_key_for(ctx), pass_unknown=True, ask_first=True)
            return receipt(ctx, recorded)
        except SaleRejected:
            pass  # a name, an alias or a typo: find what was meant below
        except SaleDoubted as doubted:
            return draft_for_doubt(
                ctx, {**data, "sku": typed.sku, "terminal": typed.terminal}, doubted
            )
    product = inputs.resolve_product(ctx, sku_text)
    if product.key is None:
        return inputs.pick_reply(
            ctx,
            "sale.product",
            sku_text,
            product.candidates,
            lambda k: product_label(ctx, k),
            lambda k: _command_line(kind, k, qty_text, price_text, terminal_text, day, ctx.today),
        )
    data["sku"] = product.key
    if not terminal_text:
        return start_form(ctx, "report", data, step="terminal")
    terminal = inputs.resolve_terminal(ctx, terminal_text)
    if terminal.key is None:
        return ask_for_terminal(ctx, data, terminal.candidates, terminal_text)
    draft = SaleDraft(
        dealer,
        Sku(product.key),
        qty,
        price,
        TerminalCode(terminal.key),
        day,
        kind,
        ctx.inbound.text,
    )
    try:
        return receipt(ctx, record(ctx, draft, dedupe_key_for(ctx), ask_first=True))
    except SaleDoubted as doubted:
        return draft_for_doubt(ctx, {**data, "terminal": terminal.key}, doubted)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        report,
        "report",
        roles=DEALER,
        example="/report A100 20 3500 T-0012",
        aliases=("报告", "上报"),
    )
