"""violations, violation: managers review breaches (price exceptions: handlers/approvals)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.decisions.model import DecisionKind, DecisionRecord
from domain.identity.actors import Role
from domain.sales.model import Penalty, Severity, ViolationId, ViolationStatus
from domain.shared.record_ids import parse_record_id
from domain.violations.decisions import (
    STATUS_OF,
    Decision,
    may_decide,
    needs_reason,
    parse_decision,
)
from handlers.catalog.termination import restore_renewal
from handlers.core.confirm import ask_to_confirm, confirmation
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.examples import violation_example
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.names import actor_name
from handlers.core.pager import Page, page_args
from handlers.core.registry import DEALER, SALES_LEADS, SALES_STAFF, require
from handlers.core.router import Router
from handlers.core.scope import visible_dealers
from handlers.decisions.receipts import history_lines, receipt, record
from handlers.policy.governing import governing_rules
from handlers.sales.recording import original_report, sale_named, violation_text
from handlers.violations.own import own_violations
from handlers.violations.penalties import (
    PENALTY_CONFIRMATION,
    book_back,
    penalize,
    penalty_name,
    tell_dealer,
    was_before,
)

MAX_LISTED = 20  # a page: 30 lines of a violation each went over Telegram's 4,096
DECIDE_FORM = "violation_decide"
# The log's kind for each decision taken back (kind -> the status the decision set).
UNDOABLE = {
    DecisionKind.VIOLATION_DISMISS: ViolationStatus.DISMISSED,
    DecisionKind.VIOLATION_PENALTY: ViolationStatus.PENALIZED,
}


def _status(t: Translator, status: ViolationStatus) -> str:
    return t(f"violation.status.{status.value}")


def violations(ctx: Ctx) -> Reply:
    """List violations of your region's dealers (add `open` for undecided ones)."""
    words, asked = page_args(ctx.args)
    only_open = bool(words) and words[0].lower() in {"open", "待处理", "未处理"}
    if ctx.actor.role is Role.DEALER:
        return own_violations(ctx, only_open=only_open)
    statuses = (ViolationStatus.OPEN,) if only_open else None
    dealers, scope_lines = visible_dealers(ctx.uow, ctx.scope), ctx.actor.lines
    total = ctx.uow.violations.count(dealers, statuses=statuses, lines=scope_lines)
    if not total:
        return Reply(ctx.t("violation.none_open" if only_open else "violation.none"))
    page = Page.counted(total, asked, MAX_LISTED)
    found = ctx.uow.violations.list(
        dealers, statuses=statuses, limit=MAX_LISTED, lines=scope_lines, offset=page.offset
    )
    page = page.holding(found)
    lines = [ctx.t("violation.list_title")]
    for v in page.items:
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
    if footer := page.footer(ctx.t):
        lines.append(footer)
    nav = page.buttons(ctx.t, "violations open" if only_open else "violations")
    return Reply("\n".join(lines), (nav,) if nav else ())


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
        line=violation_text(ctx.t, v, governing_rules(ctx)),
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
    for line in [h for kind in UNDOABLE for h in history_lines(ctx, kind, v.id)]:
        text += "\n" + line
    buttons = [
        Button(ctx.t(f"violation.button.{d.value}"), f"c:violation {v.id} {d.value}")
        for d in (Decision.CONFIRM, Decision.DISMISS)
        if may_decide(v.status, d)
    ]
    return Reply(text, button_rows(buttons))


def violation(ctx: Ctx) -> Reply:
    """Decide a violation: ID confirm|dismiss|penalize PENALTY [note]."""
    if not ctx.args:
        raise UserError("violation.usage", id=violation_example(ctx))
    if len(ctx.args) > 1 and parse_decision(ctx.args[1]) is Decision.PENALIZE:
        require(ctx, "violation", "penalize")
    v = _visible(ctx, ctx.args[0])
    if len(ctx.args) == 1:
        return _details(ctx, v)
    decision = parse_decision(ctx.args[1])
    if decision is None:
        raise UserError("violation.usage", id=violation_example(ctx))
    rest = list(ctx.args[2:])
    if not may_decide(v.status, decision):
        raise UserError("violation.already_decided", id=v.id, status=_status(ctx.t, v.status))
    if decision is Decision.PENALIZE:
        return penalize(ctx, v, rest)  # along the ladder, with amounts (penalties.py)
    if needs_reason(v.status) and not rest:
        raise UserError("violation.reason_needed", id=v.id, status=_status(ctx.t, v.status))
    note = " ".join(rest)
    if decision is Decision.DISMISS and v.severity is Severity.SEVERE:
        data = {"id": v.id, "decision": decision.value, "note": note}
        return ask_to_confirm(ctx, DECIDE_FORM, data)
    return _decide(ctx, v, decision, note)


def _decide(ctx: Ctx, v, decision: Decision, note: str) -> Reply:
    """Confirm or dismiss (penalties: penalties.py); a dismissal may be undone."""
    decided = ctx.uow.violations.decide(
        v.id, STATUS_OF[decision], None, note, ctx.actor.label, ctx.now
    )
    ctx.audit(f"violation.{decision.value}", f"#{v.id}")
    told = tell_dealer(ctx, decided)
    key = "violation.recorded" if told else "violation.recorded_untold"
    text = ctx.t(key, id=v.id, status=_status(ctx.t, decided.status), penalty="-")
    text += "\n" + sale_named(ctx, decided).text(ctx.t)
    if decision is not Decision.DISMISS:
        return Reply(text)
    decision_record = record(ctx, DecisionKind.VIOLATION_DISMISS, v.id, note, was_before(v))
    return receipt(ctx, text, decision_record)


# -- dismissing a severe violation: asked first, undone within minutes --------------------


def _preview(ctx: Ctx, data: dict) -> str:
    v = _visible(ctx, str(data["id"]))
    return ctx.t(
        "violation.dismiss_preview",
        penalty="-",
        id=v.id,
        dealer=v.dealer,
        line=violation_text(ctx.t, v),
        sale=sale_named(ctx, v).text(ctx.t),
        contacts=len(ctx.uow.identities.dealer_contacts(v.dealer)),
        note=data["note"] or "-",
    )


def _confirmed(ctx: Ctx, data: dict) -> Reply:
    v = _visible(ctx, str(data["id"]))  # read again: it may have been decided meanwhile
    decision = Decision(data["decision"])
    if not may_decide(v.status, decision):
        raise UserError("violation.already_decided", id=v.id, status=_status(ctx.t, v.status))
    return _decide(ctx, v, decision, data["note"])


def _undo(ctx: Ctx, decision: DecisionRecord, reversal: DecisionRecord) -> Reply:
    """The violation back as it was before the decision; its dealer's contacts told."""
    v = ctx.uow.violations.get(ViolationId(int(decision.subject)))
    if v is None or v.status is not UNDOABLE[decision.kind]:
        raise UserError("violation.undo_changed", id=decision.subject)
    undone_penalty = v.penalty
    was = decision.data
    restored = ctx.uow.violations.decide(
        v.id,
        ViolationStatus(was["status"]),
        Penalty(was["penalty"]) if was.get("penalty") else None,
        was.get("note") or "",
        was.get("decided_by"),
        datetime.fromisoformat(was["decided_at"]) if was.get("decided_at") else None,
        Decimal(was["penalty_amount"]) if was.get("penalty_amount") else None,
    )
    if undone_penalty is Penalty.CONFISCATE_DEPOSIT:  # the money goes back with it
        book_back(ctx, v.dealer, v.id, f"undo #{reversal.id}", f"undo:{reversal.id}")
    if undone_penalty is Penalty.CANCEL_DEALERSHIP:  # and the contract's renewal with it
        restore_renewal(ctx, was.get("renewal"))
    named = sale_named(ctx, restored)

    def build(t: Translator) -> Reply:
        told = t(
            "violation.penalty_undone" if undone_penalty else "violation.dismissal_undone",
            penalty=t(f"penalty.{undone_penalty.value}") if undone_penalty else "-",
            id=v.id,
            line=violation_text(t, restored),
            status=_status(t, restored.status),
        )
        return Reply(told + "\n" + named.text(t))

    told = sum(
        ctx.notify(contact, f"violation:{v.id}:undone:{reversal.id}", build)
        for contact in ctx.uow.identities.dealer_contacts(v.dealer)
    )
    return Reply(
        ctx.t(
            "violation.undo_done",
            id=v.id,
            status=_status(ctx.t, restored.status),
            dealer=v.dealer,
            told=told,
        )
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        violations,
        "violations",
        roles=SALES_STAFF | DEALER,
        example="/violations open",
        aliases=("违规", "我的违规"),
    )
    router.command(
        violation,
        "violation",
        roles=SALES_STAFF,
        example="/violation 5 penalize fine 3000 价格低于底价",
        actions={"penalize": SALES_LEADS},
    )
    router.form(confirmation(DECIDE_FORM, _preview, _confirmed))
    router.form(PENALTY_CONFIRMATION)
    for kind in UNDOABLE:
        router.undoer(_undo, kind)
