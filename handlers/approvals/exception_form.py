"""The guided price-exception request: product, terminal or tender, price, quantity cap,
valid until, reason, then the preview (floor, gap, chain) and Send."""

from __future__ import annotations

import handlers.approvals.exceptions as exceptions
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import Form, Step
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.router import Router

SKIP = "skip"


def _skip(ctx: Ctx) -> Button:
    return Button(ctx.t("exception.button.skip"), f"f:{SKIP}")


def _ask(key: str, *, skippable: bool = False, tender: bool = False):
    def ask(ctx: Ctx, data: dict) -> Reply:
        row = []
        if tender:
            row.append(Button(ctx.t("exception.tender"), "f:tender"))
        if skippable:
            row.append(_skip(ctx))
        return Reply(ctx.t(key), (tuple(row),) if row else ())

    return ask


def _product(ctx: Ctx, data: dict, value: str) -> str:
    exceptions.take_product(ctx, data, value)
    return "terminal"


def _terminal(ctx: Ctx, data: dict, value: str) -> str:
    if value.lower() != SKIP:
        exceptions.take_terminal(ctx, data, value)
    return "price"


def _price(ctx: Ctx, data: dict, value: str) -> str:
    exceptions.take_price(ctx, data, value)
    return "qty"


def _qty(ctx: Ctx, data: dict, value: str) -> str:
    if value.lower() != SKIP:
        exceptions.take_qty(ctx, data, value)
    return "until"


def _until(ctx: Ctx, data: dict, value: str) -> str:
    if value.lower() != SKIP:
        exceptions.take_until(ctx, data, value)
    return "reason"


def _reason(ctx: Ctx, data: dict, value: str) -> str:
    if not value.strip():
        raise UserError("exception.reason_needed")
    data["reason"] = value.strip()[:500]
    return "confirm"


FORM = Form(
    exceptions.REQUEST_FORM,
    "product",
    {
        "product": Step(_ask("exception.ask.product"), _product),
        "terminal": Step(_ask("exception.ask.terminal", skippable=True, tender=True), _terminal),
        "price": Step(_ask("exception.ask.price"), _price),
        "qty": Step(_ask("exception.ask.qty", skippable=True), _qty),
        "until": Step(_ask("exception.ask.until", skippable=True), _until),
        "reason": Step(_ask("exception.ask.reason"), _reason),
        "confirm": exceptions.confirm_step(exceptions.preview),
    },
    exceptions.send_request,
)


def install(router: Router, jobs: Jobs) -> None:
    router.form(FORM)
