"""withdraw, correct: a dealer fixes a report within the window, a manager at any time."""

from __future__ import annotations

from dataclasses import replace

import handlers.sales.inputs as inputs
from domain.catalog.model import DealerCode, TerminalCode
from domain.identity.actors import Role
from domain.sales.model import SaleDraft, SaleId, SaleStatus, ViolationStatus
from domain.sales.services import EditProblem, check_edit
from domain.shared.record_ids import parse_record_id
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER, SALES_LEADS
from handlers.core.router import Router
from handlers.sales.recording import (
    edit_window,
    receipt,
    record,
    terminal_label,
)


def _editable_sale(ctx: Ctx, text: str):
    sale_id = parse_record_id(text)
    if sale_id is None:
        raise UserError("sale.not_found", id=text[:20])
    sale = ctx.uow.sales.get(SaleId(sale_id))
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


def withdraw(ctx: Ctx) -> Reply:
    """Withdraw a sales report (kept on file as withdrawn)."""
    if not ctx.args:
        raise UserError("sale.withdraw_usage")
    sale = _editable_sale(ctx, ctx.args[0])
    ctx.uow.sales.set_status(sale.id, SaleStatus.WITHDRAWN)
    ctx.uow.violations.settle_open(sale.id, ViolationStatus.WITHDRAWN)
    ctx.audit("sale.withdrawn", f"#{sale.id}")
    return Reply(ctx.t("sale.withdrawn", id=sale.id))


def correct(ctx: Ctx) -> Reply:
    """Correct a sales report: ID QTY PRICE [TERMINAL]; the old one is kept as corrected."""
    if len(ctx.args) < 3:
        raise UserError("sale.correct_usage")
    sale = _editable_sale(ctx, ctx.args[0])
    qty, price = inputs.read_qty(ctx.args[1]), inputs.read_price(ctx.args[2])
    terminal = sale.terminal
    if len(ctx.args) > 3:
        found = inputs.resolve_terminal(ctx, " ".join(ctx.args[3:]))
        if found.key is None and not found.candidates:
            raise UserError("sale.terminal.none", query=ctx.args[3][:40])
        if found.key is None:
            names = ", ".join(terminal_label(ctx, k) for k in found.candidates)
            raise UserError("sale.form.terminal_unclear", query=ctx.args[3][:40], options=names)
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
    ctx.uow.violations.settle_open(sale.id, ViolationStatus.SUPERSEDED)
    reply = receipt(ctx, recorded)
    return replace(reply, text=ctx.t("sale.corrected", old=sale.id) + "\n" + reply.text)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        withdraw, "withdraw", roles=DEALER | SALES_LEADS, example="/withdraw 12", aliases=("撤回",)
    )
    router.command(
        correct,
        "correct",
        roles=DEALER | SALES_LEADS,
        example="/correct 12 20 3600 T-0012",
        aliases=("更正",),
    )
