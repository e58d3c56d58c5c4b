"""Price exceptions on the approval engine: a dealer asks, the marketing director decides.

`/exception request SKU PRICE [TERMINAL|tender] [QTY] [UNTIL] REASON` (or the guided form)
shows the floor, the gap and the chain, and sends on the dealer's Confirm. An approved
request becomes a price exception capped by quantity and date, which the price check reads
(domain.violations.compliance). A manager's own grant (`/exception SKU MIN_PRICE DEALER|all
[FROM] [TO]`) is confirmed the same way and listed and revoked like the rest.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import handlers.sales.inputs as inputs
from domain.approvals.model import DecisionRecord, Kind, NewRequest, Request, State
from domain.approvals.rules import exception_chain
from domain.approvals.services import submit
from domain.catalog.model import DealerCode, Sku, TerminalCode, Validity
from domain.catalog.pricing import price_in_force
from domain.identity.actors import Role
from domain.sales.model import PriceException
from domain.shared.money import to_money
from domain.shared.record_ids import parse_record_id
from domain.violations.compliance import price_gap
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of, namer
from handlers.approvals.texts import chain_text, rules_text
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Form, Step, start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import DEALER, MARKETING, SALES_LEADS, require
from handlers.core.router import Router
from handlers.sales.recording import product_label

REQUEST_FORM = "exception_request"
GRANT_FORM = "exception_grant"
TENDER_WORDS = frozenset({"tender", "bid", "招标", "投标"})
ASK_WORDS = frozenset({"request", "申请"})


# -- reading and checking what was asked -------------------------------------------------


def floor_of(ctx: Ctx, sku: str, tender: bool) -> Decimal:
    policy = price_in_force(ctx.uow.catalog.prices(Sku(sku)), ctx.today)
    if policy is None:
        raise UserError("exception.no_floor", product=product_label(ctx, sku))
    return policy.floor(tender)


def take_product(ctx: Ctx, data: dict, text: str) -> None:
    product = inputs.resolve_product(ctx, text)
    if product.key is None:
        raise UserError("sale.product.none", query=text[:40])
    data["sku"] = product.key


def take_price(ctx: Ctx, data: dict, text: str) -> None:
    price = inputs.read_price(text)
    floor = floor_of(ctx, data["sku"], data.get("tender", False))
    if price >= floor:
        raise UserError(
            "exception.not_below_floor", price=ctx.t.money(price), floor=ctx.t.money(floor)
        )
    data["price"] = str(price)


def take_until(ctx: Ctx, data: dict, text: str) -> None:
    until = inputs.read_day(text, ctx.today)
    if until < ctx.today:
        raise UserError("exception.past_date", day=ctx.t.date(until))
    data["until"] = until.isoformat()


def take_qty(ctx: Ctx, data: dict, text: str) -> None:
    if not text.isdigit() or int(text) <= 0 or int(text) > 1_000_000:
        raise UserError("exception.bad_qty", value=text[:20])
    data["qty"] = int(text)


def take_terminal(ctx: Ctx, data: dict, text: str) -> None:
    if text.lower() in TENDER_WORDS:
        data["tender"] = True
        return
    found = inputs.resolve_terminal(ctx, text)
    if found.key is None:
        raise UserError("sale.terminal.none", query=text[:40])
    data["terminal"] = found.key


def parse_request(ctx: Ctx, args: list[str]) -> dict:
    """SKU PRICE [TERMINAL|tender] [QTY] [UNTIL] REASON, each checked as it is read."""
    if len(args) < 3:
        raise UserError("exception.request_usage")
    data: dict = {}
    take_product(ctx, data, args[0])
    rest = args[2:]
    if (
        rest
        and len(rest) > 1
        and (
            rest[0].lower() in TENDER_WORDS
            or ctx.uow.catalog.terminal(TerminalCode(inputs.as_code(rest[0]))) is not None
        )
    ):
        take_terminal(ctx, data, rest.pop(0))
    take_price(ctx, data, args[1])
    if rest and len(rest) > 1 and rest[0].isdigit():
        take_qty(ctx, data, rest.pop(0))
    if rest and len(rest) > 1 and inputs.looks_like_day(rest[0]):
        take_until(ctx, data, rest.pop(0))
    data["reason"] = " ".join(rest)[:500]
    if not data["reason"].strip():
        raise UserError("exception.reason_needed")
    return data


def preview(ctx: Ctx, data: dict) -> str:
    tender = data.get("tender", False)
    floor = floor_of(ctx, data["sku"], tender)
    price = Decimal(data["price"])
    gap = price_gap(floor, price)
    chain = exception_chain(
        gap, ctx.options.exception_second_step_gap, dict(ctx.options.approval_chains)
    )
    return ctx.t(
        "exception.preview",
        product=product_label(ctx, data["sku"]),
        price=ctx.t.money(price),
        floor=ctx.t.money(floor),
        gap=ctx.t.money(floor - price),
        percent=ctx.t.percent(gap),
        where=data.get("terminal") or (ctx.t("exception.tender") if tender else "-"),
        qty=data.get("qty") or ctx.t("exception.no_cap"),
        until=ctx.t.date(date.fromisoformat(data["until"]))
        if data.get("until")
        else ctx.t("exception.open_end"),
        reason=data.get("reason") or "-",
        chain=rules_text(ctx.t, chain),
    )


# -- the dealer's request ---------------------------------------------------------------


def send_request(ctx: Ctx, data: dict) -> Reply:
    dealer = ctx.require_dealer()
    floor = floor_of(ctx, data["sku"], data.get("tender", False))
    price = Decimal(data["price"])
    gap = price_gap(floor, price)
    chain = exception_chain(
        gap, ctx.options.exception_second_step_gap, dict(ctx.options.approval_chains)
    )
    payload = {**data, "floor": str(floor), "gap": str(gap.quantize(Decimal("0.0001")))}
    payload["_chat"] = chat_of(ctx.actor)
    where = data.get("terminal") or ("tender" if data.get("tender") else "")
    subject = f"{data['sku']} ¥{price} {where} ×{data.get('qty') or '-'} ({dealer})"
    request = submit(
        ctx.uow.approvals,
        NewRequest(Kind.PRICE_EXCEPTION, subject, dealer, ctx.actor.label, chain, payload),
        ctx.now,
    )
    ctx.audit("approval.request", f"#{request.id} price_exception {subject}")
    told = tell_step_approvers(ctx, request)
    return Reply(
        ctx.t("exception.requested", id=request.id, chain=chain_text(ctx.t, request), told=told)
    )


def on_decided(ctx: Ctx, request: Request, record: DecisionRecord) -> str:
    """The approved request's exception, stored in the transaction of the last decision."""
    if request.state is not State.APPROVED:
        return ""
    p = request.payload
    until = date.fromisoformat(p["until"]) if p.get("until") else None
    exception = PriceException(
        Sku(p["sku"]),
        to_money(Decimal(p["price"])),
        Validity(request.created_at.astimezone(ctx.options.tz).date(), until),
        f"approval:{request.id}",
        request.dealer,
        qty_cap=p.get("qty"),
        terminal=TerminalCode(p["terminal"]) if p.get("terminal") else None,
    )
    exception_id = ctx.uow.price_exceptions.add(
        exception, ctx.now, request_id=request.id, reason=p.get("reason", "")
    )
    ctx.audit("price_exception", f"#{exception_id} from approval #{request.id}")
    return ctx.t("exception.in_force", id=exception_id)


# -- the manager's own grant, confirmed -------------------------------------------------


def parse_grant(ctx: Ctx, args: list[str]) -> dict:
    if len(args) < 3:
        raise UserError("exception.usage")
    data: dict = {}
    take_product(ctx, data, args[0])
    price = inputs.read_price(args[1])
    dealer = None if args[2].lower() in {"all", "全部"} else DealerCode(args[2].upper())
    if dealer is None and not ctx.actor.is_admin:
        raise UserError("exception.all_needs_admin")
    if dealer is not None:
        ctx.check_dealer(dealer)
    start = inputs.read_day(args[3], ctx.today) if len(args) > 3 else ctx.today
    end = inputs.read_day(args[4], ctx.today) if len(args) > 4 else None
    if end is not None and end < start:
        raise UserError("exception.bad_range")
    floor = floor_of(ctx, data["sku"], False)
    if price >= floor:
        raise UserError(
            "exception.not_below_floor", price=ctx.t.money(price), floor=ctx.t.money(floor)
        )
    data.update(
        price=str(price),
        dealer=dealer,
        start=start.isoformat(),
        end=end.isoformat() if end else None,
    )
    return data


def grant_text(ctx: Ctx, data: dict) -> str:
    floor = floor_of(ctx, data["sku"], False)
    price = Decimal(data["price"])
    return ctx.t(
        "exception.grant_preview",
        product=product_label(ctx, data["sku"]),
        price=ctx.t.money(price),
        floor=ctx.t.money(floor),
        gap=ctx.t.money(floor - price),
        percent=ctx.t.percent(price_gap(floor, price)),
        dealer=data["dealer"] or ctx.t("exception.all"),
        start=ctx.t.date(date.fromisoformat(data["start"])),
        end=ctx.t.date(date.fromisoformat(data["end"]))
        if data["end"]
        else ctx.t("exception.open_end"),
    )


def record_grant(ctx: Ctx, data: dict) -> Reply:
    dealer = DealerCode(data["dealer"]) if data["dealer"] else None
    start = date.fromisoformat(data["start"])
    end = date.fromisoformat(data["end"]) if data["end"] else None
    exception = PriceException(
        Sku(data["sku"]), Decimal(data["price"]), Validity(start, end), ctx.actor.label, dealer
    )
    exception_id = ctx.uow.price_exceptions.add(exception, ctx.now)
    ctx.audit(
        "price_exception",
        f"#{exception_id} {data['sku']} {data['price']} {dealer or 'all'} {start}..{end}",
    )
    return Reply(ctx.t("exception.granted", id=exception_id))


# -- confirm steps shared by both forms -------------------------------------------------


def confirm_step(text_of):
    def ask(ctx: Ctx, data: dict) -> Reply:
        return Reply(
            text_of(ctx, data),
            ((Button(ctx.t("exception.button.send"), "f:yes"),),),
        )

    def answer(ctx: Ctx, data: dict, value: str) -> str:
        if value.lower() not in {"yes", "y", "是", "确认", "发送"}:
            raise UserError("exception.confirm_please")
        return END

    return Step(ask, answer)


# -- listing, showing, revoking --------------------------------------------------------


def _line(ctx: Ctx, e) -> str:
    state = "revoked" if e.revoked_at else ("active" if e.active_on(ctx.today) else "ended")
    return ctx.t(
        "exception.line",
        id=e.id,
        product=product_label(ctx, e.sku),
        price=ctx.t.money(e.min_price),
        dealer=e.dealer or ctx.t("exception.all"),
        until=ctx.t.date(e.valid_to) if e.valid_to else ctx.t("exception.open_end"),
        used=e.qty_used,
        cap=e.qty_cap if e.qty_cap is not None else "∞",
        state=ctx.t(f"exception.state.{state}"),
        request=f" (#{e.request_id})" if e.request_id else "",
    )


def exceptions(ctx: Ctx) -> Reply:
    """Price exceptions: open (requests waiting), active, or one dealer's (default: active)."""
    arg = ctx.args[0].lower() if ctx.args else "active"
    dealers = None if ctx.actor.is_admin else ctx.scoped_dealers()
    if arg in {"open", "待审批"}:
        waiting = [
            r
            for r in ctx.uow.approvals.pending((Kind.PRICE_EXCEPTION,))
            if r.dealer is None or dealers is None or r.dealer in dealers
        ]
        if not waiting:
            return Reply(ctx.t("exception.none_open"))
        names = namer(ctx.uow)
        return Reply(
            "\n".join(
                [ctx.t("exception.open_title")]
                + [
                    ctx.t("exception.open_line", id=r.id, subject=r.subject, who=names(r.requester))
                    for r in waiting
                ]
            )
        )
    if arg not in {"active", "生效"}:
        dealer = DealerCode(arg.upper())
        ctx.check_dealer(dealer)
        found = ctx.uow.price_exceptions.listed([dealer])
    else:
        found = [e for e in ctx.uow.price_exceptions.listed(dealers) if e.active_on(ctx.today)]
    if not found:
        return Reply(ctx.t("exception.none"))
    return Reply("\n".join([ctx.t("exception.list_title")] + [_line(ctx, e) for e in found]))


def _visible(ctx: Ctx, raw: str):
    number = parse_record_id(raw)
    found = ctx.uow.price_exceptions.get(number) if number is not None else None
    if found is None or (found.dealer is not None and not ctx.can_see_dealer(found.dealer)):
        raise UserError("exception.not_found", id=raw[:20])
    return found


def exception(ctx: Ctx) -> Reply:
    """Ask for a price exception (request SKU PRICE …), or see, revoke or grant one."""
    args = list(ctx.args)
    if args and args[0].lower() in ASK_WORDS:
        require(ctx, "exception", "request")
        if len(args) == 1:
            return start_form(ctx, REQUEST_FORM)
        data = parse_request(ctx, args[1:])
        return start_form(ctx, REQUEST_FORM, data, step="confirm")
    if ctx.actor.role is not Role.MANAGER:  # a dealer's only use is a request
        if not args:
            raise UserError("exception.request_usage")
        require(ctx, "exception", "revoke" if "revoke" in args else "grant")
    if not args:
        raise UserError("exception.usage")
    if (
        args
        and parse_record_id(args[0]) is not None
        and ctx.uow.catalog.product(Sku(args[0])) is None
    ):
        found = _visible(ctx, args[0])
        if len(args) == 1:
            return Reply(_line(ctx, found) + ("\n" + found.reason if found.reason else ""))
        if args[1].lower() not in {"revoke", "撤销"}:
            raise UserError("exception.usage")
        require(ctx, "exception", "revoke")
        reason = " ".join(args[2:]).strip()
        if not reason:
            raise UserError("exception.revoke_reason")
        if not ctx.uow.price_exceptions.revoke(found.id, ctx.actor.label, ctx.now):
            raise UserError("exception.already_revoked", id=found.id)
        ctx.audit("price_exception.revoke", f"#{found.id} {reason}"[:500])
        return Reply(ctx.t("exception.revoked", id=found.id, reason=reason))
    require(ctx, "exception", "grant")
    return start_form(ctx, GRANT_FORM, parse_grant(ctx, args), step="confirm")


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        exception,
        "exception",
        roles=DEALER | SALES_LEADS | MARKETING,
        example="/exception request A100 2600 T-0001 10 2026-12-31 医院集采",
        actions={"request": DEALER, "grant": SALES_LEADS, "revoke": SALES_LEADS | MARKETING},
    )
    router.command(
        exceptions, "exceptions", roles=SALES_LEADS | MARKETING, example="/exceptions open"
    )
    router.approval_outcome(on_decided, Kind.PRICE_EXCEPTION.value)
    router.form(Form(GRANT_FORM, "confirm", {"confirm": confirm_step(grant_text)}, record_grant))
