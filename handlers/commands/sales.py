"""report, stock, withdraw, correct: dealers report what they sold and hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.catalog import DealerCode, Sku, TerminalCode
from domain.identity import Role
from domain.reporting import EditProblem, SaleRejected, check_edit
from domain.sales import SaleDraft, SaleId, SaleKind, SaleStatus, StockLevel
from handlers import sale_inputs as inputs
from handlers.context import Ctx
from handlers.errors import UserError
from handlers.forms import END, Form, Step, register_form, start_form
from handlers.messages import Button, Reply
from handlers.registry import DEALER, LINKED, command
from handlers.sale_reports import (
    dedupe_key_for,
    describe_draft,
    edit_window,
    product_label,
    receipt,
    record,
    terminal_label,
)

YES_WORDS = frozenset({"yes", "y", "ok", "confirm", "确认", "是", "好", "对"})


def _kind_and_rest(args: tuple[str, ...]) -> tuple[SaleKind, list[str]]:
    if args and inputs.read_kind(args[0]) is SaleKind.TENDER:
        return SaleKind.TENDER, list(args[1:])
    return SaleKind.RETAIL, list(args)


def _command_line(kind: SaleKind, sku: str, qty: str, price: str, terminal: str) -> str:
    words = ["report", *(["tender"] if kind is SaleKind.TENDER else []), sku, qty, price]
    return "c:" + " ".join([*words, terminal] if terminal else words)


@command("report", roles=DEALER, example="/report A100 20 3500 T-0012", aliases=("报告", "上报"))
def report(ctx: Ctx) -> Reply:
    """Report a sale: [tender] SKU QTY PRICE [TERMINAL]; without arguments, a guided form."""
    dealer = ctx.require_dealer()
    kind, words = _kind_and_rest(ctx.args)
    if not words:
        return start_form(ctx, "report", {"kind": kind.value})
    if len(words) < 3:
        raise UserError("sale.usage")
    sku_text, qty_text, price_text, terminal_text = (
        words[0],
        words[1],
        words[2],
        " ".join(words[3:]),
    )
    qty, price = inputs.read_qty(qty_text), inputs.read_price(price_text)
    if terminal_text:
        # The usual report names exact codes: try them as typed, one round of lookups.
        typed = SaleDraft(
            dealer,
            Sku(inputs.as_code(sku_text)),
            qty,
            price,
            TerminalCode(inputs.as_code(terminal_text)),
            ctx.today,
            kind,
            ctx.inbound.text,
        )
        try:
            return receipt(ctx, record(ctx, typed, dedupe_key_for(ctx), pass_unknown=True))
        except SaleRejected:
            pass  # a name, an alias or a typo: find what was meant below
    product = inputs.resolve_product(ctx, sku_text)
    if product.key is None:
        return inputs.pick_reply(
            ctx,
            "sale.product",
            sku_text,
            product.candidates,
            lambda k: product_label(ctx, k),
            lambda k: _command_line(kind, k, qty_text, price_text, terminal_text),
        )
    data = {
        "kind": kind.value,
        "sku": product.key,
        "qty": qty,
        "price": str(price),
        "text": ctx.inbound.text[:500],
    }
    if not terminal_text:
        return start_form(ctx, "report", data, step="terminal")
    terminal = inputs.resolve_terminal(ctx, terminal_text)
    if terminal.key is None:
        return inputs.pick_reply(
            ctx,
            "sale.terminal",
            terminal_text,
            terminal.candidates,
            lambda k: terminal_label(ctx, k),
            lambda k: _command_line(kind, product.key, qty_text, price_text, k),
        )
    draft = SaleDraft(
        dealer,
        Sku(product.key),
        qty,
        price,
        TerminalCode(terminal.key),
        ctx.today,
        kind,
        ctx.inbound.text,
    )
    return receipt(ctx, record(ctx, draft, dedupe_key_for(ctx)))


# -- the guided form -----------------------------------------------------------------------


def draft_from(ctx: Ctx, data: dict) -> SaleDraft:
    return SaleDraft(
        dealer=ctx.require_dealer(),
        sku=Sku(data["sku"]),
        qty=int(data["qty"]),
        unit_price=inputs.read_price(data["price"]),
        terminal=TerminalCode(data["terminal"]),
        sold_on=date.fromisoformat(data["sold_on"]) if data.get("sold_on") else ctx.today,
        kind=SaleKind(data.get("kind", "retail")),
        source_text=data.get("text", ""),
    )


def _keep(ctx: Ctx, data: dict, field: str, label: str | None = None) -> list[Button]:
    """A button keeping the value a draft being edited already has."""
    if data.get(field) in (None, ""):
        return []
    value = str(data[field])
    return [Button(ctx.t("sale.form.keep", value=label or value)[:40], f"f:{value}")]


def _ask_product(ctx: Ctx, data: dict) -> Reply:
    products = ctx.uow.catalog.products()[: inputs.MAX_BUTTONS]
    keep = _keep(ctx, data, "sku")
    rows = inputs.choice_buttons([(f"{p.name} ({p.sku})", f"f:{p.sku}") for p in products])
    return Reply(ctx.t("sale.form.product"), ((*keep,), *rows) if keep else rows)


def _answer_product(ctx: Ctx, data: dict, value: str) -> str:
    found = inputs.resolve_product(ctx, value)
    if found.key is None:
        names = ", ".join(product_label(ctx, k) for k in found.candidates)
        raise UserError("sale.form.product_unclear", query=value[:40], options=names or "-")
    data["sku"] = found.key
    return "qty"


def _ask_qty(ctx: Ctx, data: dict) -> Reply:
    keep = _keep(ctx, data, "qty")
    return Reply(
        ctx.t("sale.form.qty", product=product_label(ctx, data["sku"])), ((*keep,),) if keep else ()
    )


def _answer_qty(ctx: Ctx, data: dict, value: str) -> str:
    data["qty"] = inputs.read_qty(value)
    return "price"


def _ask_price(ctx: Ctx, data: dict) -> Reply:
    keep = _keep(ctx, data, "price")
    key = "sale.form.price_tender" if data.get("kind") == "tender" else "sale.form.price"
    return Reply(ctx.t(key), ((*keep,),) if keep else ())


def _answer_price(ctx: Ctx, data: dict, value: str) -> str:
    data["price"] = str(inputs.read_price(value))
    return "terminal"


def _ask_terminal(ctx: Ctx, data: dict) -> Reply:
    terminals = inputs.authorized_terminals(ctx, ctx.require_dealer())
    keep = _keep(ctx, data, "terminal")
    rows = inputs.choice_buttons([(f"{t.name} ({t.code})", f"f:{t.code}") for t in terminals])
    return Reply(ctx.t("sale.form.terminal"), ((*keep,), *rows) if keep else rows)


def _answer_terminal(ctx: Ctx, data: dict, value: str) -> str:
    found = inputs.resolve_terminal(ctx, value)
    if found.key is None:
        names = ", ".join(terminal_label(ctx, k) for k in found.candidates)
        raise UserError("sale.form.terminal_unclear", query=value[:40], options=names or "-")
    data["terminal"] = found.key
    return "confirm"


def _ask_confirm(ctx: Ctx, data: dict) -> Reply:
    text = ctx.t("sale.form.confirm", summary=describe_draft(ctx, draft_from(ctx, data)))
    return Reply(text, ((Button(ctx.t("sale.button.confirm"), "f:yes"),),))


def _answer_confirm(ctx: Ctx, data: dict, value: str) -> str:
    if value.strip().lower() not in YES_WORDS:
        raise UserError("sale.form.say_yes")
    return END


def _finish(ctx: Ctx, data: dict) -> Reply:
    return receipt(ctx, record(ctx, draft_from(ctx, data), dedupe_key_for(ctx)))


register_form(
    Form(
        name="report",
        first="product",
        steps={
            "product": Step(_ask_product, _answer_product),
            "qty": Step(_ask_qty, _answer_qty),
            "price": Step(_ask_price, _answer_price),
            "terminal": Step(_ask_terminal, _answer_terminal),
            "confirm": Step(_ask_confirm, _answer_confirm),
        },
        finish=_finish,
    )
)


# -- stock ---------------------------------------------------------------------------------


@command("stock", roles=DEALER, example="/stock A100 35", aliases=("库存",))
def stock(ctx: Ctx) -> Reply:
    """Report stock on hand: SKU QTY [DATE]; without arguments, show what you reported."""
    dealer = ctx.require_dealer()
    if not ctx.args:
        levels = ctx.uow.sales.stock(dealer)
        if not levels:
            return Reply(ctx.t("stock.none"))
        lines = [ctx.t("stock.title")]
        lines += [
            ctx.t(
                "stock.line",
                product=product_label(ctx, s.sku),
                qty=ctx.t.number(s.qty),
                day=ctx.t.date(s.as_of),
            )
            for s in levels
        ]
        return Reply("\n".join(lines))
    if len(ctx.args) < 2:
        raise UserError("stock.usage")
    qty_text = ctx.args[1]
    qty = 0 if qty_text.strip() in {"0", "零"} else inputs.read_qty(qty_text)
    as_of = inputs.read_day(ctx.args[2], ctx.today) if len(ctx.args) > 2 else ctx.today
    if as_of > ctx.today:
        raise UserError("sale.problem.future_date")
    product = inputs.resolve_product(ctx, ctx.args[0])
    if product.key is None:
        rest = " ".join(ctx.args[1:])
        return inputs.pick_reply(
            ctx,
            "sale.product",
            ctx.args[0],
            product.candidates,
            lambda k: product_label(ctx, k),
            lambda k: f"c:stock {k} {rest}",
        )
    ctx.uow.sales.record_stock(
        StockLevel(dealer, Sku(product.key), qty, as_of), ctx.actor.identity_id, ctx.now
    )
    ctx.audit("stock.recorded", f"{product.key} {qty} {as_of}")
    return Reply(
        ctx.t(
            "stock.recorded",
            product=product_label(ctx, product.key),
            qty=ctx.t.number(qty),
            day=ctx.t.date(as_of),
        )
    )


# -- withdraw and correct ------------------------------------------------------------------


def _editable_sale(ctx: Ctx, text: str):
    try:
        sale_id = SaleId(int(text.lstrip("#")))
    except ValueError as exc:
        raise UserError("sale.not_found", id=text[:20]) from exc
    sale = ctx.uow.sales.get(sale_id)
    if sale is not None and not ctx.can_see_dealer(sale.dealer):
        sale = None  # someone else's report reads as missing
    by_manager = ctx.actor.role is Role.MANAGER
    problem = check_edit(sale, by_manager=by_manager, now=ctx.now, window=edit_window(ctx))
    if problem is EditProblem.NOT_FOUND:
        raise UserError("sale.not_found", id=text[:20])
    if problem is EditProblem.NOT_CONFIRMED:
        raise UserError("sale.not_editable", id=sale.id, status=ctx.t(f"sale.status.{sale.status}"))
    if problem is EditProblem.WINDOW_CLOSED:
        raise UserError("sale.window_closed", id=sale.id, hours=ctx.options.report_edit_hours)
    return sale


@command("withdraw", roles=LINKED, example="/withdraw 12", aliases=("撤回",))
def withdraw(ctx: Ctx) -> Reply:
    """Withdraw a sales report (kept on file as withdrawn)."""
    if not ctx.args:
        raise UserError("sale.withdraw_usage")
    sale = _editable_sale(ctx, ctx.args[0])
    ctx.uow.sales.set_status(sale.id, SaleStatus.WITHDRAWN)
    ctx.audit("sale.withdrawn", f"#{sale.id}")
    return Reply(ctx.t("sale.withdrawn", id=sale.id))


@command("correct", roles=LINKED, example="/correct 12 20 3600 T-0012", aliases=("更正",))
def correct(ctx: Ctx) -> Reply:
    """Correct a sales report: ID QTY PRICE [TERMINAL]; the old one is kept as corrected."""
    if len(ctx.args) < 3:
        raise UserError("sale.correct_usage")
    sale = _editable_sale(ctx, ctx.args[0])
    qty, price = inputs.read_qty(ctx.args[1]), inputs.read_price(ctx.args[2])
    terminal = sale.terminal
    if len(ctx.args) > 3:
        found = inputs.resolve_terminal(ctx, " ".join(ctx.args[3:]))
        if found.key is None:
            names = ", ".join(terminal_label(ctx, k) for k in found.candidates)
            raise UserError(
                "sale.form.terminal_unclear", query=ctx.args[3][:40], options=names or "-"
            )
        terminal = TerminalCode(found.key)
    draft = SaleDraft(
        DealerCode(sale.dealer),
        sale.sku,
        qty,
        price,
        terminal,
        sale.sold_on,
        sale.kind,
        ctx.inbound.text,
    )
    recorded = record(ctx, draft, f"correct:{sale.id}", corrects=sale.id)
    ctx.uow.sales.set_status(sale.id, SaleStatus.CORRECTED)
    reply = receipt(ctx, recorded)
    return replace(reply, text=ctx.t("sale.corrected", old=sale.id) + "\n" + reply.text)
