"""The dealer's guided fee request: activity type, promotion (optional), dates, place, plan,
expected outcome, amount (with the budget left shown), then the preview and Send.

The amount is checked against the budget the request draws on when it is typed and again
when it is sent; over it, the request is refused or, by `[fees] over_budget = "route"`,
sent on flagged to the role above."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.approvals.model import Kind, NewRequest, StepRule
from domain.approvals.rules import chain_for
from domain.approvals.services import submit
from domain.catalog.model import RegionCode
from domain.fees.model import Activity, NewFeeRequest
from domain.fees.rules import OverBudget, request_chain_steps
from domain.fees.services import RequestRefused, check_request, open_request
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import to_money
from domain.shared.numerals import normalize, parse_number
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of
from handlers.approvals.texts import chain_text, rules_text
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.router import Router
from handlers.fees.budgets import budget_for, home_region
from handlers.fees.texts import activity_choice, budget_line, told_text
from handlers.sales.inputs import read_day

FORM = "fee_request"
SKIP_WORDS = frozenset({"-", "skip", "none", "无", "没有", "跳过"})
YES_WORDS = frozenset({"yes", "y", "是", "确认", "发送"})


def read_amount(text: str) -> Decimal:
    value = parse_number(normalize(text).strip().lstrip("¥￥").rstrip("元"))
    if value is None or value <= 0 or value > MAX_AMOUNT:
        raise UserError("fee.bad_amount", value=text[:40])
    return to_money(value)


def _region(ctx: Ctx) -> RegionCode:
    region = home_region(ctx.uow, ctx.require_dealer())
    if region is None:
        raise UserError("fee.no_region")
    return region


def _status(ctx: Ctx, data: Data):
    return budget_for(
        ctx.uow,
        RegionCode(data["region"]),
        date.fromisoformat(data["start"]),
        data.get("promotion"),
    )


def _over_policy(ctx: Ctx) -> OverBudget:
    return OverBudget(ctx.options.fee_over_budget)


# -- steps -----------------------------------------------------------------------------


def ask_activity(ctx: Ctx, data: Data) -> Reply:
    buttons = [Button(ctx.t(f"fee.activity.{a.value}"), f"f:{a.value}") for a in Activity]
    return Reply(ctx.t("fee.ask.activity"), button_rows(buttons, per_row=3))


def answer_activity(ctx: Ctx, data: Data, value: str) -> str:
    activity = activity_choice(value)
    if activity is None:
        raise UserError("fee.bad_activity", value=value[:40])
    data["activity"] = activity.value
    return "promotion"


def ask_promotion(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("fee.ask.promotion"), ((Button(ctx.t("fee.button.skip"), "f:-"),),))


def answer_promotion(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in SKIP_WORDS:
        data["promotion"] = None
        return "dates"
    number = value.lstrip("#")
    promo = ctx.uow.promotions.get(int(number)) if number.isdigit() else None
    if promo is None:
        raise UserError("fee.unknown_promotion", value=value[:20])
    data["promotion"] = promo.id
    return "dates"


def ask_dates(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("fee.ask.dates"))


def answer_dates(ctx: Ctx, data: Data, value: str) -> str:
    parts = normalize(value).replace("~", " ").replace("至", " ").replace("到", " ").split()
    if not 1 <= len(parts) <= 2:
        raise UserError("fee.bad_dates", value=value[:40])
    start = read_day(parts[0], ctx.today)
    end = read_day(parts[-1], ctx.today)
    if end < start:
        raise UserError("fee.dates_reversed", start=ctx.t.date(start), end=ctx.t.date(end))
    if end < ctx.today:
        raise UserError("fee.dates_past", end=ctx.t.date(end))
    data.update(start=start.isoformat(), end=end.isoformat(), region=_region(ctx))
    return "place"


def _text_step(key: str, field: str, nxt: str, low: int = 2, high: int = 1000):
    def ask(ctx: Ctx, data: Data) -> Reply:
        return Reply(ctx.t(key))

    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if not low <= len(value.strip()) <= high:
            raise UserError("fee.bad_text", low=low, high=high, got=len(value.strip()))
        data[field] = value.strip()
        return nxt

    return Step(ask, answer)


def ask_amount(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("fee.ask.amount", budget=budget_line(ctx.t, _status(ctx, data))))


def _refused(ctx: Ctx, err: RequestRefused) -> UserError:
    return UserError(f"fee.refused.{err.refusal.value}", left=ctx.t.money(err.left))


def answer_amount(ctx: Ctx, data: Data, value: str) -> str:
    amount = read_amount(value)
    try:
        over = check_request(amount, _status(ctx, data), _over_policy(ctx))
    except RequestRefused as err:
        raise _refused(ctx, err) from None
    data.update(amount=str(amount), over_budget=over)
    return "confirm"


def _chain(ctx: Ctx, amount: Decimal, over_budget: bool):
    base = [str(r) for r in chain_for(Kind.FEE_REQUEST, dict(ctx.options.approval_chains))]
    steps = request_chain_steps(
        base,
        amount,
        ctx.options.fee_second_step_amount,
        over_budget=over_budget,
        over_budget_role=ctx.options.fee_over_budget_role,
    )
    return tuple(StepRule.parse(s) for s in steps)


def preview(ctx: Ctx, data: Data) -> str:
    amount = Decimal(data["amount"])
    return ctx.t(
        "fee.preview",
        activity=ctx.t(f"fee.activity.{data['activity']}"),
        promotion=f"#{data['promotion']}" if data.get("promotion") else "-",
        start=ctx.t.date(date.fromisoformat(data["start"])),
        end=ctx.t.date(date.fromisoformat(data["end"])),
        place=data["place"],
        plan=data["plan"],
        expected=data["expected"],
        amount=ctx.t.money(amount),
        budget=budget_line(ctx.t, _status(ctx, data)),
        over="\n" + ctx.t("fee.over_budget_note") if data.get("over_budget") else "",
        chain=rules_text(ctx.t, _chain(ctx, amount, bool(data.get("over_budget")))),
    )


def ask_confirm(ctx: Ctx, data: Data) -> Reply:
    return Reply(preview(ctx, data), ((Button(ctx.t("fee.button.send"), "f:yes"),),))


def answer_confirm(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() not in YES_WORDS:
        raise UserError("fee.confirm_please")
    return END


def send_request(ctx: Ctx, data: Data) -> Reply:
    dealer = ctx.require_dealer()
    amount = Decimal(data["amount"])
    new = NewFeeRequest(
        dealer,
        RegionCode(data["region"]),
        Activity(data["activity"]),
        data.get("promotion"),
        date.fromisoformat(data["start"]),
        date.fromisoformat(data["end"]),
        data["place"],
        data["plan"],
        data["expected"],
        amount,
        None,
    )
    try:  # checked again: the budget may have moved since the amount was typed
        fee = open_request(ctx.uow.fees, new, _status(ctx, data), _over_policy(ctx), ctx.now)
    except RequestRefused as err:
        raise _refused(ctx, err) from None
    subject = f"{dealer} F{fee.id} {ctx.t('fee.activity.' + fee.activity.value)} ¥{amount}"
    if fee.over_budget:
        subject += " (over budget)"
    payload = {"fee_request": fee.id, "amount": str(amount), "_chat": chat_of(ctx.actor)}
    request = submit(
        ctx.uow.approvals,
        NewRequest(
            Kind.FEE_REQUEST,
            subject[:200],
            dealer,
            ctx.actor.label,
            _chain(ctx, amount, fee.over_budget),
            payload,
        ),
        ctx.now,
    )
    ctx.uow.fees.link_request(fee.id, request.id)
    ctx.audit("fee.request", f"F{fee.id} #{request.id} {amount}")
    told = tell_step_approvers(ctx, request)
    return Reply(
        ctx.t(
            "fee.requested",
            id=fee.id,
            approval=request.id,
            amount=ctx.t.money(amount),
            chain=chain_text(ctx.t, request),
            told=told_text(ctx.t, told),
        )
    )


FEE_REQUEST = Form(
    FORM,
    "activity",
    {
        "activity": Step(ask_activity, answer_activity),
        "promotion": Step(ask_promotion, answer_promotion),
        "dates": Step(ask_dates, answer_dates),
        "place": _text_step("fee.ask.place", "place", "plan", high=200),
        "plan": _text_step("fee.ask.plan", "plan", "expected"),
        "expected": _text_step("fee.ask.expected", "expected", "amount"),
        "amount": Step(ask_amount, answer_amount),
        "confirm": Step(ask_confirm, answer_confirm),
    },
    send_request,
)


def install(router: Router, jobs: Jobs) -> None:
    router.form(FEE_REQUEST)
