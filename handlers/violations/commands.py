"""violations, violation: managers review breaches (price exceptions: handlers/approvals)."""

from __future__ import annotations

from domain.sales.model import ViolationId, ViolationStatus
from domain.shared.record_ids import parse_record_id
from domain.violations.decisions import (
    STATUS_OF,
    Decision,
    may_decide,
    needs_reason,
    parse_decision,
)
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.names import actor_name
from handlers.core.registry import SALES_LEADS, SALES_STAFF, require
from handlers.core.router import Router
from handlers.sales.recording import original_report, sale_named, violation_text
from handlers.violations.penalties import CONFIRM, penalize, penalty_name, tell_dealer

MAX_LISTED = 30


def _status(t: Translator, status: ViolationStatus) -> str:
    return t(f"violation.status.{status.value}")


def violations(ctx: Ctx) -> Reply:
    """List violations of your region's dealers (add `open` for undecided ones)."""
    only_open = bool(ctx.args) and ctx.args[0].lower() in {"open", "待处理", "未处理"}
    statuses = (ViolationStatus.OPEN,) if only_open else None
    found = ctx.uow.violations.list(
        ctx.scoped_dealers(), statuses=statuses, limit=MAX_LISTED + 1, lines=ctx.actor.lines
    )
    if not found:
        return Reply(ctx.t("violation.none_open" if only_open else "violation.none"))
    lines = [ctx.t("violation.list_title")]
    for v in found[:MAX_LISTED]:
        lines.append(
            ctx.t(
                "violation.list_line",
                id=v.id,
                dealer=v.dealer,
                sale=v.sale_id or "-",
                status=_status(ctx.t, v.status),
                day=ctx.t.date(v.created_at.astimezone(ctx.options.tz).date()),
                line=violation_text(ctx.t, v),
            )
        )
    if len(found) > MAX_LISTED:
        lines.append(ctx.t("violation.more"))
    return Reply("\n".join(lines))


def _visible(ctx: Ctx, text: str):
    violation_id = parse_record_id(text)
    violation = None if violation_id is None else ctx.uow.violations.get(ViolationId(violation_id))
    if violation is None or not ctx.can_see_dealer(violation.dealer):
        raise UserError("violation.not_found", id=text[:20])
    if ctx.actor.lines is not None and _line_of(ctx, violation) not in ctx.actor.lines:
        raise UserError("violation.not_found", id=text[:20])
    return violation


def _line_of(ctx: Ctx, violation) -> str | None:
    sale = ctx.uow.sales.get(violation.sale_id) if violation.sale_id else None
    product = ctx.uow.catalog.product(sale.sku) if sale else None
    return product.line if product else None


def _details(ctx: Ctx, v) -> Reply:
    text = ctx.t(
        "violation.details",
        id=v.id,
        dealer=v.dealer,
        status=_status(ctx.t, v.status),
        line=violation_text(ctx.t, v),
        sale=v.sale_id or "-",
        report=original_report(ctx, v),
    )
    text += "\n" + sale_named(ctx, v).text(ctx.t)
    if v.decided_by:
        penalty = penalty_name(ctx.t, v.penalty, v.penalty_amount)
        text += "\n" + ctx.t(
            "violation.decided",
            by=actor_name(ctx, v.decided_by),
            penalty=penalty,
            at=ctx.t.datetime(v.decided_at, ctx.options.tz),
            note=v.note or "-",
        )
    buttons = [
        Button(ctx.t(f"violation.button.{d.value}"), f"c:violation {v.id} {d.value}")
        for d in (Decision.CONFIRM, Decision.DISMISS)
        if may_decide(v.status, d)
    ]
    return Reply(text, button_rows(buttons))


def violation(ctx: Ctx) -> Reply:
    """Decide a violation: ID confirm|dismiss|penalize PENALTY [note]."""
    if not ctx.args:
        raise UserError("violation.usage")
    if len(ctx.args) > 1 and parse_decision(ctx.args[1]) is Decision.PENALIZE:
        require(ctx, "violation", "penalize")
    v = _visible(ctx, ctx.args[0])
    if len(ctx.args) == 1:
        return _details(ctx, v)
    decision = parse_decision(ctx.args[1])
    if decision is None:
        raise UserError("violation.usage")
    rest = list(ctx.args[2:])
    if not may_decide(v.status, decision):
        raise UserError("violation.already_decided", id=v.id, status=_status(ctx.t, v.status))
    if decision is Decision.PENALIZE:
        return penalize(ctx, v, rest)
    if needs_reason(v.status) and not rest:
        raise UserError("violation.reason_needed", id=v.id, status=_status(ctx.t, v.status))
    decided = ctx.uow.violations.decide(
        v.id, STATUS_OF[decision], None, " ".join(rest), ctx.actor.label, ctx.now
    )
    ctx.audit(f"violation.{decision.value}", f"#{v.id}")
    tell_dealer(ctx, decided)
    return Reply(
        ctx.t("violation.recorded", id=v.id, status=_status(ctx.t, decided.status), penalty="-")
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        violations, "violations", roles=SALES_STAFF, example="/violations open", aliases=("违规",)
    )
    router.command(
        violation,
        "violation",
        roles=SALES_STAFF,
        example="/violation 5 penalize fine 价格低于底价",
        actions={"penalize": SALES_LEADS},
    )
    router.form(CONFIRM)
