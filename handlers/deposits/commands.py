"""deposit: a dealer's balance; managers record top-ups and ask for deductions and refunds.

Money coming in (a top-up) is recorded by the manager who received it. Money going out (a
deduction, a refund) is an approval request to the marketing director; the entry is written
in the transaction of the last approval, checked again then, so a balance that fell in the
meantime refuses the approval instead of going below zero.
"""

from __future__ import annotations

import re
from decimal import Decimal

from domain.approvals.model import DecisionRecord, Kind, NewRequest, Request, State
from domain.approvals.rules import chain_for
from domain.approvals.services import submit
from domain.catalog.model import DealerCode
from domain.deposits.model import EntryKind, NewEntry
from domain.deposits.rules import check_entry
from domain.deposits.services import DepositRefused, record
from domain.identity.actors import Role
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import to_money
from domain.shared.numerals import normalize, parse_number
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of
from handlers.approvals.texts import chain_text
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.intents import asks_a_rule
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER, MANAGER, MARKETING, require
from handlers.core.router import Router
from handlers.deposits.ledger import open_penalties, required_deposit, view_text

ACTIONS = {
    "topup": EntryKind.TOPUP,
    "补缴": EntryKind.TOPUP,
    "充值": EntryKind.TOPUP,
    "deduct": EntryKind.DEDUCTION,
    "扣除": EntryKind.DEDUCTION,
    "扣款": EntryKind.DEDUCTION,
    "refund": EntryKind.REFUND,
    "退还": EntryKind.REFUND,
    "退款": EntryKind.REFUND,
}


def read_amount(text: str) -> Decimal:
    value = parse_number(normalize(text).strip().lstrip("¥").rstrip("元"))
    if value is None or value <= 0 or value > MAX_AMOUNT:
        raise UserError("deposit.bad_amount", value=text[:40])
    return to_money(value)


def deposit(ctx: Ctx) -> Reply:
    """Your deposit: balance, what the contract requires, the last entries."""
    for word in ctx.args[:2]:  # an entry asked for by a seat that may not book one
        if word.lower() in ACTIONS:
            require(
                ctx, "deposit", "topup" if ACTIONS[word.lower()] is EntryKind.TOPUP else "change"
            )
    if ctx.actor.role is Role.DEALER:
        return Reply(view_text(ctx.t, ctx.uow, ctx.require_dealer(), ctx.today))
    if not ctx.args:
        raise UserError("deposit.usage")
    dealer = DealerCode(ctx.args[0].upper()[:40])
    ctx.check_dealer(dealer)
    if len(ctx.args) == 1:
        return Reply(view_text(ctx.t, ctx.uow, dealer, ctx.today))
    kind = ACTIONS.get(ctx.args[1].lower())
    if kind is None or len(ctx.args) < 3:
        raise UserError("deposit.usage")
    amount = read_amount(ctx.args[2])
    reason = " ".join(ctx.args[3:]).strip()[:500]
    if not reason:
        raise UserError("deposit.reason_needed", kind=ctx.t(f"deposit.kind.{kind.value}"))
    if kind is EntryKind.TOPUP:
        require(ctx, "deposit", "topup")
        return _top_up(ctx, dealer, amount, reason)
    require(ctx, "deposit", "change")
    return _ask_change(ctx, dealer, kind, amount, reason)


def _checks(ctx: Ctx, dealer: DealerCode) -> dict:
    return {
        "open_penalties": open_penalties(ctx.uow, dealer),
        "contract_in_force": required_deposit(ctx.uow, dealer, ctx.today) is not None,
    }


def _refused(ctx: Ctx, refused: DepositRefused) -> UserError:
    return UserError(
        f"deposit.refused.{refused.refusal.value}", balance=ctx.t.money(refused.balance)
    )


def _tell_dealer(ctx: Ctx, dealer: DealerCode, key: str, kind: EntryKind, amount, balance) -> int:
    told = 0
    for contact in ctx.uow.recipients.dealer_contacts([dealer]):
        told += ctx.notify(
            contact,
            key,
            lambda t: Reply(
                t(
                    "deposit.dealer_told",
                    kind=t(f"deposit.kind.{kind.value}"),
                    amount=t.money(amount),
                    balance=t.money(balance),
                )
            ),
        )
    return told


def _top_up(ctx: Ctx, dealer: DealerCode, amount: Decimal, reason: str) -> Reply:
    key = f"{ctx.inbound.dedupe_key or ctx.inbound.platform + ':' + ctx.inbound.user_id}"
    entry = NewEntry(
        dealer, EntryKind.TOPUP, amount, ctx.today, reason, "manager", ctx.actor.label, key
    )
    try:
        recorded = record(ctx.uow.deposits, entry, ctx.now)
    except DepositRefused as refused:
        raise _refused(ctx, refused) from None
    ctx.audit("deposit.topup", f"{dealer} {amount} {reason}"[:500])
    told = _tell_dealer(ctx, dealer, f"deposit:{key}", EntryKind.TOPUP, amount, recorded.balance)
    return Reply(
        ctx.t(
            "deposit.topped_up",
            dealer=dealer,
            amount=ctx.t.money(amount),
            balance=ctx.t.money(recorded.balance),
            told=ctx.t("deposit.told_dealer", count=told) if told else ctx.t("deposit.no_contact"),
        )
    )


def _ask_change(
    ctx: Ctx, dealer: DealerCode, kind: EntryKind, amount: Decimal, reason: str
) -> Reply:
    # Checked now too, so nobody is asked to approve what cannot be written.
    refusal = check_entry(kind, amount, ctx.uow.deposits.balance(dealer), **_checks(ctx, dealer))
    if refusal is not None:
        balance = ctx.uow.deposits.balance(dealer)
        raise UserError(f"deposit.refused.{refusal.value}", balance=ctx.t.money(balance))
    chain = chain_for(Kind.DEPOSIT_CHANGE, dict(ctx.options.approval_chains))
    payload = {"kind": kind.value, "amount": str(amount), "reason": reason}
    payload["_chat"] = chat_of(ctx.actor)
    subject = f"{dealer} {kind.value} ¥{amount} {reason}"[:200]
    request = submit(
        ctx.uow.approvals,
        NewRequest(Kind.DEPOSIT_CHANGE, subject, dealer, ctx.actor.label, chain, payload),
        ctx.now,
    )
    ctx.audit("approval.request", f"#{request.id} deposit_change {subject}")
    told = tell_step_approvers(ctx, request)
    return Reply(
        ctx.t(
            "deposit.requested",
            id=request.id,
            kind=ctx.t(f"deposit.kind.{kind.value}"),
            amount=ctx.t.money(amount),
            chain=chain_text(ctx.t, request),
            told=told,
        )
    )


def on_decided(ctx: Ctx, request: Request, decision: DecisionRecord) -> str:
    """The approved change's entry, in the transaction of the last approval (checked again:
    a refusal here refuses the approval, and nothing of it is stored)."""
    if request.state is not State.APPROVED or request.dealer is None:
        return ""
    p = request.payload
    kind, amount = EntryKind(p["kind"]), Decimal(p["amount"])
    entry = NewEntry(
        request.dealer,
        kind,
        amount,
        ctx.today,
        p.get("reason", ""),
        f"approval:{request.id}",
        decision.actor,
        f"approval:{request.id}",
    )
    try:
        recorded = record(ctx.uow.deposits, entry, ctx.now, **_checks(ctx, request.dealer))
    except DepositRefused as refused:
        raise _refused(ctx, refused) from None
    ctx.audit("deposit.change", f"#{request.id} {request.dealer} {kind.value} {amount}")
    _tell_dealer(
        ctx, request.dealer, f"deposit:approval:{request.id}", kind, amount, recorded.balance
    )
    return ctx.t(
        "deposit.moved",
        kind=ctx.t(f"deposit.kind.{kind.value}"),
        amount=ctx.t.money(amount),
        balance=ctx.t.money(recorded.balance),
    )


_BALANCE_QUESTION = re.compile(
    r"(保证金|押金).{0,8}(还剩|剩多少|剩下|余额|还有多少|多少钱了|够不够|差多少)"
    r"|(我的|我们的?)(保证金|押金)"
    r"|\b(my|our)\s+(security\s+)?deposit\b|\bdeposit\b.{0,12}\b(balance|left)\b",
    re.IGNORECASE,
)


def balance_question(ctx: Ctx, text: str) -> Reply | None:
    """ "保证金还剩多少" from a dealer: its own ledger, before policy Q&A is tried."""
    if ctx.actor.role is not Role.DEALER or not _BALANCE_QUESTION.search(text):
        return None
    if asks_a_rule(text):  # "保证金什么时候退" is the policy's to answer
        return None
    return Reply(view_text(ctx.t, ctx.uow, ctx.require_dealer(), ctx.today))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        deposit,
        "deposit",
        roles=DEALER | MANAGER,
        example="/deposit D001 topup 10000 补缴保证金",
        aliases=("保证金",),
        actions={"topup": MARKETING, "change": MARKETING},
    )
    router.approval_outcome(on_decided, Kind.DEPOSIT_CHANGE.value)
    router.text(balance_question, priority=25)
