"""stock: dealers report what they hold, as of today or a given day."""

from __future__ import annotations

from datetime import date

import handlers.sales.inputs as inputs
from domain.catalog.model import Sku
from domain.identity.actors import Role
from domain.sales.model import StockLevel
from domain.sales.services import MAX_QTY
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.examples import product_example
from handlers.core.forms import END, Form, Step, start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.names import labelled
from handlers.core.registry import DEALER, SALES_STAFF
from handlers.core.router import Router
from handlers.sales.recording import product_label
from handlers.sales.stock_views import dealer_stock, own_stock_text, pick_dealer


def _read_stock_qty(text: str) -> int:
    qty = 0 if text.strip() in {"0", "零"} else inputs.read_qty(text)
    if qty > MAX_QTY:  # the same bound as a sale's; the column is an INTEGER
        raise UserError("sale.problem.qty_too_large")
    return qty


def _record(ctx: Ctx, sku: str, qty: int, as_of: date) -> Reply:
    dealer = ctx.require_dealer()
    ctx.uow.stock.record(StockLevel(dealer, Sku(sku), qty, as_of), ctx.actor.identity_id, ctx.now)
    ctx.audit("stock.recorded", f"{sku} {qty} {as_of}")
    return Reply(
        ctx.t(
            "stock.recorded",
            product=product_label(ctx, sku),
            qty=ctx.t.number(qty),
            day=ctx.t.date(as_of),
        )
    )


def stock(ctx: Ctx) -> Reply:
    """Report stock on hand: SKU QTY [DATE]; without arguments, your latest stock and a form."""
    if ctx.actor.role is not Role.DEALER:
        return dealer_stock(ctx, ctx.args[0]) if ctx.args else pick_dealer(ctx)
    if not ctx.args:
        return start_form(ctx, "stock")
    if len(ctx.args) < 2:
        raise UserError("stock.usage", sku=product_example(ctx, ctx.require_dealer()))
    qty = _read_stock_qty(ctx.args[1])
    as_of = inputs.read_day(ctx.args[2], ctx.today) if len(ctx.args) > 2 else ctx.today
    if as_of > ctx.today:
        raise UserError("sale.problem.future_date")
    product = inputs.resolve_product(ctx, ctx.args[0])
    if product.key is None:
        rest = " ".join(ctx.args[1:])
        return inputs.pick_reply(
            ctx,
            "stock.product",
            ctx.args[0],
            product.candidates,
            lambda k: product_label(ctx, k),
            lambda k: f"c:stock {k} {rest}",
        )
    return _record(ctx, product.key, qty, as_of)


def _ask_product(ctx: Ctx, data: dict) -> Reply:
    products = ctx.uow.catalog.products()[: inputs.MAX_BUTTONS]
    locale = ctx.t.locale
    rows = inputs.choice_buttons([(labelled(p, p.sku, locale), f"f:{p.sku}") for p in products])
    return Reply(own_stock_text(ctx) + "\n\n" + ctx.t("stock.form.product"), rows)


def _answer_product(ctx: Ctx, data: dict, value: str) -> str:
    inputs.take_product(ctx, data, value)
    return "qty"


def _ask_qty(ctx: Ctx, data: dict) -> Reply:
    return Reply(ctx.t("stock.form.qty", product=product_label(ctx, data["sku"])))


def _answer_qty(ctx: Ctx, data: dict, value: str) -> str:
    data["qty"] = _read_stock_qty(value)
    return END


FORM = Form(
    name="stock",
    first="product",
    steps={
        "product": Step(_ask_product, _answer_product),
        "qty": Step(_ask_qty, _answer_qty),
    },
    finish=lambda ctx, data: _record(ctx, data["sku"], int(data["qty"]), ctx.today),
)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        stock, "stock", roles=DEALER | SALES_STAFF, example="/stock A100 35", aliases=("库存",)
    )
    router.form(FORM)
