"""Penalizing a violation along the rule's ladder, with the amount a fine or confiscation
takes; a confiscation moves the deposit in the same transaction, and it and cancelling a
dealership are shown and confirmed first."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from domain.deposits.model import EntryKind, NewEntry
from domain.deposits.services import DepositRefused, record
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
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Form, Step, start_form
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply
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
        return start_form(ctx, CONFIRM_FORM, data, step="confirm")
    return apply_penalty(ctx, data)


def apply_penalty(ctx: Ctx, data: dict) -> Reply:
    v = ctx.uow.violations.get(data["id"])
    if v is None or not may_decide(v.status, Decision.PENALIZE):
        raise UserError(
            "violation.already_decided", id=data["id"], status=v.status.value if v else "-"
        )
    penalty = Penalty(data["penalty"])
    amount = Decimal(data["amount"]) if data.get("amount") else None
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
            record(ctx.uow.deposits, entry, ctx.now)
        except DepositRefused as refused:
            raise UserError("penalty.over_balance", balance=ctx.t.money(refused.balance)) from None
    ctx.audit("violation.penalize", f"#{v.id} {penalty.value} {amount or ''} {data['note']}"[:500])
    told = tell_dealer(ctx, decided)
    key = "penalty.recorded" if told else "penalty.recorded_untold"
    return Reply(
        ctx.t(
            key,
            id=v.id,
            penalty=penalty_name(ctx.t, penalty, amount),
            told=told,
            days=ctx.options.penalty_appeal_days,
        )
    )


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

    told = 0
    for contact in ctx.uow.identities.dealer_contacts(v.dealer):
        told += ctx.notify(contact, f"violation:{v.id}:{v.status.value}", build)
    return told


# -- confirming a confiscation or a cancelled dealership --------------------------------


def _confirm_ask(ctx: Ctx, data: dict) -> Reply:
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
    text = "\n".join(
        [
            ctx.t("penalty.confirm_title", id=v.id, line=violation_text(ctx.t, v)),
            sale_named(ctx, v).text(ctx.t),
            what,
        ]
    )
    return Reply(
        text,
        (
            (
                Button(ctx.t("penalty.button.confirm"), "f:yes"),
                Button(ctx.t("penalty.button.cancel"), "f:no"),
            ),
        ),
    )


def _confirm_answer(ctx: Ctx, data: dict, value: str) -> str:
    answer = value.strip().lower()
    if answer in {"no", "n", "否", "取消"}:
        data["cancelled"] = True
        return END
    if answer not in {"yes", "y", "是", "确认"}:
        raise UserError("penalty.confirm_please")
    return END


def _confirm_finish(ctx: Ctx, data: dict) -> Reply:
    if data.get("cancelled"):
        return Reply(ctx.t("penalty.not_taken", id=data["id"]))
    return apply_penalty(ctx, data)


CONFIRM = Form(
    CONFIRM_FORM, "confirm", {"confirm": Step(_confirm_ask, _confirm_answer)}, _confirm_finish
)
