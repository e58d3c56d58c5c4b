"""Penalizing a violation along the rule's ladder, with the amount a fine or confiscation
takes; a confiscation moves the deposit in the same transaction, and it and cancelling a
dealership are shown and confirmed first."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from domain.decisions.model import DecisionKind
from domain.deposits.model import EntryKind, NewEntry
from domain.deposits.services import DepositRefused
from domain.deposits.services import record as record_entry
from domain.sales.model import Penalty, Violation, ViolationStatus
from domain.violations.decisions import Decision, may_decide, needs_reason, parse_penalty
from domain.violations.ladder import (
    NEEDS_AMOUNT,
    Suggestion,
    ladders,
    months_back,
    prior_offences,
    suggest,
)
from handlers.catalog.termination import terminate_for_cause
from handlers.core.confirm import ask_to_confirm, confirmation
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply
from handlers.decisions.receipts import receipt, record
from handlers.deposits.commands import read_amount
from handlers.sales.recording import sale_named, violation_text

CONFIRM_FORM = "penalty_confirm"
CONFIRMED_FIRST = frozenset({Penalty.CONFISCATE_DEPOSIT, Penalty.CANCEL_DEALERSHIP})


def penalty_name(t: Translator, penalty: Penalty | None, amount: Decimal | None) -> str:
    if penalty is None:
        return "-"
    name = t(f"penalty.{penalty.value}")
    return f"{name} {t.money(amount)}" if amount is not None else name


def suggestion_for(ctx: Ctx, v: Violation) -> Suggestion:
    months = ctx.options.penalty_lookback_months
    start = months_back(v.created_at.astimezone(ctx.options.tz).date(), months)
    since = datetime.combine(start, time(), ctx.options.tz)
    standing = (ViolationStatus.CONFIRMED, ViolationStatus.PENALIZED)
    earlier = ctx.uow.violations.list([v.dealer], statuses=standing, start=since, limit=200)
    ladder_of = ladders(dict(ctx.options.penalty_ladders))
    return suggest(v, prior_offences(v, earlier, since), ladder_of)


def _suggestion_text(ctx: Ctx, v: Violation, s: Suggestion) -> str:
    t = ctx.t
    lines = [
        t(
            "penalty.history",
            dealer=v.dealer,
            months=ctx.options.penalty_lookback_months,
            count=len(s.prior),
        )
    ]
    for p in s.prior[:5]:
        lines.append(
            t(
                "penalty.history_line",
                id=p.id,
                day=t.date(p.created_at.astimezone(ctx.options.tz).date()),
                penalty=penalty_name(t, p.penalty, p.penalty_amount)
                if p.penalty
                else t("violation.status.confirmed"),
            )
        )
    ladder = " → ".join(t(f"penalty.{p.value}") for p in s.ladder)
    lines.append(
        t(
            "penalty.suggested",
            penalty=t(f"penalty.{s.penalty.value}"),
            step=s.step + 1,
            ladder=ladder,
        )
    )
    return "\n".join(lines)


def penalize(ctx: Ctx, v: Violation, words: list[str]) -> Reply:
    """`penalize` with no penalty shows the ladder's suggestion; with one, records it."""
    s = suggestion_for(ctx, v)
    parsed = parse_penalty(words)
    if parsed is None:
        if words:
            raise UserError(
                "violation.penalty_unknown",
                options=", ".join(ctx.t(f"penalty.{p.value}") for p in Penalty),
            )
        text = _suggestion_text(ctx, v, s) + "\n" + ctx.t("penalty.how", id=v.id)
        if s.penalty in NEEDS_AMOUNT:
            return Reply(text)
        press = Button(
            ctx.t("penalty.button.take", penalty=ctx.t(f"penalty.{s.penalty.value}")),
            f"c:violation {v.id} penalize {s.penalty.value}",
        )
        return Reply(text, ((press,),))
    penalty, rest = parsed
    amount = None
    if penalty in NEEDS_AMOUNT:
        if not rest:
            raise UserError(
                "penalty.amount_needed", penalty=ctx.t(f"penalty.{penalty.value}"), id=v.id
            )
        amount, rest = read_amount(rest[0]), rest[1:]
    note = " ".join(rest).strip()[:1000]
    if penalty is not s.penalty and not note:
        raise UserError(
            "penalty.reason_for_other",
            suggested=ctx.t(f"penalty.{s.penalty.value}"),
            chosen=ctx.t(f"penalty.{penalty.value}"),
        )
    if needs_reason(v.status) and not note:
        raise UserError("violation.reason_needed", id=v.id, status=v.status.value)
    data = {
        "id": v.id,
        "penalty": penalty.value,
        "amount": str(amount) if amount is not None else None,
        "note": note,
        "suggested": s.penalty.value,
    }
    if penalty is Penalty.CONFISCATE_DEPOSIT:
        balance = ctx.uow.deposits.balance(v.dealer)
        if amount is not None and amount > balance:
            raise UserError("penalty.over_balance", balance=ctx.t.money(balance))
    if penalty in CONFIRMED_FIRST:
        return ask_to_confirm(ctx, CONFIRM_FORM, data)
    return apply_penalty(ctx, data)


def apply_penalty(ctx: Ctx, data: dict) -> Reply:
    v = ctx.uow.violations.get(data["id"])
    if v is None or not may_decide(v.status, Decision.PENALIZE):
        raise UserError(
            "violation.already_decided", id=data["id"], status=v.status.value if v else "-"
        )
    penalty = Penalty(data["penalty"])
    amount = Decimal(data["amount"]) if data.get("amount") else None
    was = was_before(v)
    decided = ctx.uow.violations.decide(
        v.id, ViolationStatus.PENALIZED, penalty, data["note"], ctx.actor.label, ctx.now, amount
    )
    if penalty is Penalty.CONFISCATE_DEPOSIT and amount is not None:
        entry = NewEntry(
            v.dealer,
            EntryKind.CONFISCATION,
            amount,
            ctx.today,
            data["note"] or f"violation #{v.id}",
            f"violation:{v.id}",
            ctx.actor.label,
            f"violation:{v.id}:confiscation",
        )
        try:
            record_entry(ctx.uow.deposits, entry, ctx.now)
        except DepositRefused as refused:
            raise UserError("penalty.over_balance", balance=ctx.t.money(refused.balance)) from None
    ended = None
    if penalty is Penalty.CANCEL_DEALERSHIP:  # the contract ends with the dealership
        ended, was["renewal"] = terminate_for_cause(
            ctx, v.dealer, data["note"] or f"violation #{v.id}"
        )
    ctx.audit("violation.penalize", f"#{v.id} {penalty.value} {amount or ''} {data['note']}"[:500])
    told = tell_dealer(ctx, decided)
    key = "penalty.recorded" if told else "penalty.recorded_untold"
    text = ctx.t(
        key,
        id=v.id,
        penalty=penalty_name(ctx.t, penalty, amount),
        told=told,
        days=ctx.options.penalty_appeal_days,
    )
    if ended:
        text = f"{text}\n{ended}"
    if penalty not in CONFIRMED_FIRST:
        return Reply(text)
    # The heavy ones may be undone by their author for a while (handlers.decisions).
    return receipt(ctx, text, record(ctx, DecisionKind.VIOLATION_PENALTY, v.id, data["note"], was))


def was_before(v: Violation) -> dict:
    """What an undo puts back: the violation's decision before this one."""
    return {
        "status": v.status.value,
        "penalty": v.penalty.value if v.penalty else None,
        "penalty_amount": str(v.penalty_amount) if v.penalty_amount is not None else None,
        "note": v.note,
        "decided_by": v.decided_by,
        "decided_at": v.decided_at.isoformat() if v.decided_at else None,
    }


def book_back(ctx: Ctx, dealer, violation_id: int, reason: str, source: str) -> None:
    """Return to the deposit what the violation's confiscation took (an overturned or undone
    penalty): new entries, keyed by `source`, so a replay books nothing twice."""
    taken = [
        e
        for e in ctx.uow.deposits.entries(dealer, limit=500)
        if e.source == f"violation:{violation_id}" and e.kind is EntryKind.CONFISCATION
    ]
    for e in taken:
        entry = NewEntry(
            dealer,
            EntryKind.TOPUP,
            e.amount,
            ctx.today,
            reason,
            source,
            ctx.actor.label,
            f"{source}:{e.id}",
        )
        record_entry(ctx.uow.deposits, entry, ctx.now)


def tell_dealer(ctx: Ctx, v: Violation) -> int:
    """Tell the dealer's linked contacts of the decision (and, when it stands, how to
    appeal); how many chats were told."""
    named = sale_named(ctx, v)
    days = ctx.options.penalty_appeal_days

    def build(t: Translator) -> Reply:
        told = t(
            "violation.dealer_told",
            id=v.id,
            line=violation_text(t, v),
            status=t(f"violation.status.{v.status.value}"),
            penalty=penalty_name(t, v.penalty, v.penalty_amount),
            note=v.note or "-",
        )
        lines = [told, named.text(t)]
        if v.status in (ViolationStatus.CONFIRMED, ViolationStatus.PENALIZED) and days:
            lines.append(t("penalty.appeal_hint", id=v.id, days=days))
        return Reply("\n".join(lines))

    # Keyed by the decision's time too: a violation dismissed, reopened and dismissed again
    # is told each time.
    at = int(v.decided_at.timestamp()) if v.decided_at else 0
    told = 0
    for contact in ctx.uow.identities.dealer_contacts(v.dealer):
        told += ctx.notify(contact, f"violation:{v.id}:{v.status.value}:{at}", build)
    return told


# -- confirming a confiscation or a cancelled dealership --------------------------------


def _confirm_preview(ctx: Ctx, data: dict) -> str:
    v = ctx.uow.violations.get(data["id"])
    penalty = Penalty(data["penalty"])
    amount = Decimal(data["amount"]) if data.get("amount") else None
    if penalty is Penalty.CONFISCATE_DEPOSIT and amount is not None:
        balance = ctx.uow.deposits.balance(v.dealer)
        what = ctx.t(
            "penalty.confirm_confiscate",
            dealer=v.dealer,
            amount=ctx.t.money(amount),
            before=ctx.t.money(balance),
            after=ctx.t.money(balance - amount),
        )
    else:
        what = ctx.t("penalty.confirm_cancel", dealer=v.dealer)
    return "\n".join(
        [
            ctx.t("penalty.confirm_title", id=v.id, line=violation_text(ctx.t, v)),
            sale_named(ctx, v).text(ctx.t),
            what,
        ]
    )


PENALTY_CONFIRMATION = confirmation(CONFIRM_FORM, _confirm_preview, apply_penalty)
