"""How budgets, requests and claims read in chat."""

from __future__ import annotations

from collections.abc import Mapping

from domain.fees.model import (
    Activity,
    BudgetStatus,
    Claim,
    ClaimState,
    FeeRequest,
    ProofKind,
    RequestState,
)
from domain.fees.rules import claim_deadline
from handlers.core.i18n import Translator


def activity_choice(value: str) -> Activity | None:
    """A button value, a 1-based number, or the type's name in either language."""
    v = value.strip().lower()
    options = list(Activity)
    if v in {a.value for a in options}:
        return Activity(v)
    if v.isdecimal() and 1 <= int(v) <= len(options):
        return options[int(v) - 1]
    for locale in ("zh_CN", "en"):
        t = Translator(locale)
        for a in options:
            if t(f"fee.activity.{a.value}").lower() == v:
                return a
    return None


def told_text(t: Translator, told: int) -> str:
    return t("fee.told", count=told) if told else t("fee.told_nobody")


def budget_line(t: Translator, status: BudgetStatus | None) -> str:
    if status is None:
        return t("fee.budget.none")
    b = status.budget
    scope = (
        b.region
        + (f" {b.line}" if b.line else "")
        + (f" #{b.promotion_id}" if b.promotion_id else "")
    )
    return t(
        "fee.budget.line",
        period=b.period,
        scope=scope,
        amount=t.money(b.amount),
        committed=t.money(status.committed),
        spent=t.money(status.spent),
        left=t.money(status.left),
    )


def missing_text(t: Translator, missing: Mapping[ProofKind, int]) -> str:
    return t("fee.missing.separator").join(
        t(f"fee.missing.{kind.value}", count=n) for kind, n in missing.items()
    )


def request_line(t: Translator, fee: FeeRequest, claim: Claim | None, claim_days: int) -> str:
    if claim is not None:
        state = t(f"fee.claim_state.{claim.state.value}")
    else:
        state = t(f"fee.state.{fee.state.value}")
    return t(
        "fee.line",
        id=fee.id,
        dealer=fee.dealer,
        activity=t(f"fee.activity.{fee.activity.value}"),
        amount=t.money(fee.amount),
        start=t.date(fee.start),
        end=t.date(fee.end),
        state=state,
        claim_by=t.date(claim_deadline(fee.end, claim_days)),
    )


def next_step(t: Translator, fee: FeeRequest, claim: Claim | None, claim_days: int) -> str:
    """What the dealer does next, in one line."""
    if claim is None:
        if fee.state is RequestState.APPROVED:
            return t("fee.next.claim", id=fee.id, by=t.date(claim_deadline(fee.end, claim_days)))
        if fee.state is RequestState.RETURNED:
            return t("fee.next.resubmit", approval=fee.approval_id or "")
        return t(f"fee.next.request_{fee.state.value}")
    if claim.state is ClaimState.RETURNED:
        return t("fee.next.fix_claim", id=fee.id)
    return t(f"fee.next.claim_{claim.state.value}")


def detail_text(
    t: Translator, fee: FeeRequest, claim: Claim | None, claim_days: int, reused: Mapping
) -> str:
    lines = [
        t(
            "fee.detail",
            id=fee.id,
            dealer=fee.dealer,
            region=fee.region,
            activity=t(f"fee.activity.{fee.activity.value}"),
            promotion=f"#{fee.promotion_id}" if fee.promotion_id else "-",
            start=t.date(fee.start),
            end=t.date(fee.end),
            place=fee.place,
            plan=fee.plan,
            expected=fee.expected,
            amount=t.money(fee.amount),
            state=t(f"fee.state.{fee.state.value}"),
            approval=fee.approval_id or "-",
        )
    ]
    if fee.over_budget:
        lines.append(t("fee.over_budget_note"))
    if claim is None:
        lines.append(next_step(t, fee, None, claim_days))
        return "\n".join(lines)
    lines.append(claim_text(t, claim, fee.amount))
    for digest, others in reused.items():
        lines.append(t("fee.reused", file=digest[:12], claims=", ".join(f"C{c}" for c in others)))
    return "\n".join(lines)


def claim_text(t: Translator, claim: Claim, approved) -> str:
    photos = sum(1 for p in claim.proofs if p.kind is ProofKind.PHOTO)
    invoices = len(claim.proofs) - photos
    text = t(
        "fee.claim_detail",
        id=claim.id,
        actual=t.money(claim.actual),
        claimed=t.money(claim.claimed),
        approved=t.money(approved),
        photos=photos,
        invoices=invoices,
        results=claim.results,
        state=t(f"fee.claim_state.{claim.state.value}"),
    )
    if claim.actual > claim.claimed:
        text += "\n" + t("fee.capped", over=t.money(claim.actual - claim.claimed))
    if claim.payout is not None:
        text += "\n" + t(
            f"fee.payout.{claim.payout.value}",
            ref=claim.payment_ref or "-",
            at=t.date(claim.paid_at.date()) if claim.paid_at else "-",
        )
    return text
