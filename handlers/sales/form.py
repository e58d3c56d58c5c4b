"""The guided `report` form: product, quantity, price, terminal, confirm.

At the confirmation a dealer reporting late sends the day instead (2026-11-03, 昨天), which
is checked as the one-line command checks it and shown in the confirmation asked again.
"""

from __future__ import annotations

from datetime import date

import handlers.sales.inputs as inputs
from domain.catalog.model import DealerCode, Sku, TerminalCode
from domain.sales.model import SaleDraft, SaleKind
from domain.sales.services import MAX_DAYS_BACK, SaleRejected, preview_sale, validate_sale
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Form, Step, start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.names import labelled
from handlers.core.router import Router
from handlers.sales.recording import (
    dedupe_key_for,
    describe_draft,
    doubt_reply,
    preview_lines,
    problem_key,
    product_label,
    receipt,
    record,
    swapped,
    terminal_label,
)

YES_WORDS = frozenset({"yes", "y", "ok", "confirm", "确认", "是", "好", "对"})


def draft_from(ctx: Ctx, data: dict, dealer: DealerCode | None = None) -> SaleDraft:
    return SaleDraft(
        dealer=dealer or ctx.require_dealer(),
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
    locale = ctx.t.locale
    rows = inputs.choice_buttons([(labelled(p, p.sku, locale), f"f:{p.sku}") for p in products])
    return Reply(ctx.t("sale.form.product"), ((*keep,), *rows) if keep else rows)


def _answer_product(ctx: Ctx, data: dict, value: str) -> str:
    inputs.take_product(ctx, data, value)
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


UNLISTED = "__unlisted__"


def _ask_terminal(ctx: Ctx, data: dict) -> Reply:
    terminals = inputs.authorized_terminals(ctx, ctx.require_dealer())
    keep = _keep(ctx, data, "terminal")
    locale = ctx.t.locale
    rows = inputs.choice_buttons([(labelled(t, t.code, locale), f"f:{t.code}") for t in terminals])
    unlisted = ((Button(ctx.t("terminalproposal.button.propose"), f"f:{UNLISTED}"),),)
    return Reply(
        ctx.t("sale.form.terminal"), ((*keep,), *rows, *unlisted) if keep else (*rows, *unlisted)
    )


def _answer_terminal(ctx: Ctx, data: dict, value: str) -> str:
    if value == UNLISTED:
        data["unlisted"] = True
        return END
    found = inputs.resolve_terminal(ctx, value)
    if found.key is None:
        if not found.candidates:
            raise UserError("sale.form.terminal_none", query=value[:40])
        names = ", ".join(terminal_label(ctx, k) for k in found.candidates)
        raise UserError("sale.form.terminal_unclear", query=value[:40], options=names)
    data["terminal"] = found.key
    return "confirm"


def _ask_confirm(ctx: Ctx, data: dict) -> Reply:
    sale = draft_from(ctx, data)
    text = ctx.t("sale.form.confirm", summary=describe_draft(ctx, sale))
    text = "\n".join([text, *preview_lines(ctx, sale)])
    return Reply(text, ((Button(ctx.t("sale.button.confirm"), "f:yes"),),))


def _doubts(ctx: Ctx, data: dict):
    try:
        return preview_sale(ctx.uow, draft_from(ctx, data), ctx.options.severe_price_gap).doubts
    except SaleRejected:
        return []  # recording will say what is unknown


def _ask_doubt(ctx: Ctx, data: dict) -> Reply:
    return doubt_reply(ctx, _doubts(ctx, data), "f:yes", "f:swap")


def _answer_doubt(ctx: Ctx, data: dict, value: str) -> str:
    """Yes records the sale as it is; swap exchanges quantity and price; a new price
    replaces the one typed; either way the confirmation is asked again."""
    if value.strip().lower() in YES_WORDS:
        data["doubts_ok"] = True
        return END
    if value.strip().lower() == "swap":
        data.update(swapped(data))
    else:
        data["price"] = str(inputs.read_price(value))
    return "confirm"


def _answer_confirm(ctx: Ctx, data: dict, value: str) -> str:
    if inputs.looks_like_day(value):
        day = inputs.read_day(value, ctx.today)
        problem = validate_sale(draft_from(ctx, {**data, "sold_on": day.isoformat()}), ctx.today)
        if problem is not None:
            raise UserError(problem_key(problem), max_days=MAX_DAYS_BACK)
        data["sold_on"] = day.isoformat()
        return "confirm"  # asked again, with the new day in the summary
    if value.strip().lower() not in YES_WORDS:
        raise UserError("sale.form.say_yes")
    if not data.get("doubts_ok") and _doubts(ctx, data):
        return "doubt"  # a typo would be a severe violation: asked once more
    return END


def keep_unlisted(ctx: Ctx, data: dict) -> Reply:
    """The form's "not listed": the sale waits as a draft while the dealer proposes the
    terminal (the proposal form, opened by name: handlers.approvals.terminal_proposals)."""
    data = {**data, "terminal": None, "state": "pending", "by": ctx.inbound.user_id}
    draft = ctx.uow.drafts.save(ctx.require_dealer(), data, ctx.now)
    start = {"draft": draft.id, "name": "", "summary": describe_unfinished(ctx, data)}
    return start_form(ctx, "terminal_proposal", start)


def describe_unfinished(ctx: Ctx, data: dict) -> str:
    """A draft waiting for its terminal: what it says so far."""
    return ctx.t(
        "draft.unfinished",
        product=product_label(ctx, data["sku"]) if data.get("sku") else "?",
        qty=ctx.t.number(int(data["qty"])),
        price=ctx.t.money(inputs.read_price(data["price"])),
    )


def _finish(ctx: Ctx, data: dict) -> Reply:
    if data.pop("unlisted", False):
        return keep_unlisted(ctx, data)
    return receipt(ctx, record(ctx, draft_from(ctx, data), dedupe_key_for(ctx)))


FORM = Form(
    name="report",
    first="product",
    steps={
        "product": Step(_ask_product, _answer_product),
        "qty": Step(_ask_qty, _answer_qty),
        "price": Step(_ask_price, _answer_price),
        "terminal": Step(_ask_terminal, _answer_terminal),
        "confirm": Step(_ask_confirm, _answer_confirm),
        "doubt": Step(_ask_doubt, _answer_doubt),
    },
    finish=_finish,
)


def install(router: Router, jobs: Jobs) -> None:
    router.form(FORM)
