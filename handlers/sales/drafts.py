"""A sale written as a sentence becomes a draft with Confirm / Edit / Cancel buttons.

Nothing is recorded before Confirm. The buttons carry the draft id, and the sale recorded on
Confirm has the dedupe key `draft:<id>`, so a second tap finds it instead of a second sale.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import handlers.sales.inputs as inputs
from domain.approvals.model import RequestId, State
from domain.catalog.model import DealerCode, Sku, TerminalCode
from domain.identity.actors import Role
from domain.sales.model import Draft, SaleDraft
from domain.sales.sale_text import parse_sale_text, reads_as_sale_without_price, split_sales
from domain.sales.services import SaleDoubted, validate_sale
from domain.shared.record_ids import parse_record_id
from handlers.catalog.matching import (
    NameIndex,
    Resolution,
    find_in_text,
    product_names,
    resolve,
    resolve_terminal_name,
    terminal_names,
)
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import DEALER
from handlers.core.router import Router
from handlers.sales.form import describe_unfinished, draft_from
from handlers.sales.recording import (
    describe_draft,
    doubt_reply,
    preview_lines,
    problem_key,
    product_label,
    receipt,
    record,
    swapped,
    terminal_label,
)

DRAFT_TTL = timedelta(hours=24)
AWAITING = "awaiting_terminal"  # its terminal is proposed: the draft waits for the decision
PROPOSAL_FORM = "terminal_proposal"


def _match(
    text: str, hint: str | None, names: dict[str, tuple[str, ...]], fuzzy=resolve
) -> Resolution:
    """A name mentioned in the sentence, else the words where one should be, fuzzily (the
    names indexed once for both lookups)."""
    index = NameIndex(names)
    if hint:
        exact = resolve(hint, index, fuzzy=False)
        if exact.key is not None:
            return exact
    mentioned = find_in_text(text, names)
    if mentioned.key is not None or mentioned.candidates:
        return mentioned
    return fuzzy(hint, index) if hint else Resolution(None)


def sale_sentence(ctx: Ctx, text: str) -> Reply | None:
    """Plain text that reads as a sale, from a dealer; anything else passes on (None)."""
    if ctx.actor.role is not Role.DEALER:
        return None
    # Several sales in one message: the first is drafted and the others named, never
    # dropped silently (each is sent again on its own).
    first, *others = split_sales(text, ctx.today) or [text]
    text = first if others else text
    parsed = parse_sale_text(text, ctx.today)
    if parsed is None:
        if reads_as_sale_without_price(text, ctx.today):
            return Reply(ctx.t("draft.need_price"))
        return None
    dealer = ctx.require_dealer()
    if parsed.vague_when is not None:
        raise UserError("draft.which_day", when=parsed.vague_when[:20])
    sold_on = parsed.sold_on or ctx.today
    placeholder = SaleDraft(
        dealer, Sku(""), parsed.qty, parsed.unit_price, TerminalCode(""), sold_on
    )
    if (problem := validate_sale(placeholder, ctx.today)) is not None:
        raise UserError(problem_key(problem), max_days=366)  # say so before any draft exists
    product = _match(text, parsed.product_hint, product_names(ctx.uow.catalog.products()))
    own = inputs.own_terminal_codes(ctx)
    terminal = _match(
        text,
        parsed.terminal_hint,
        terminal_names(ctx.uow.catalog.terminals()),
        lambda hint, names: resolve_terminal_name(hint, names, first=own),
    )
    data = {
        "kind": parsed.kind.value,
        "qty": parsed.qty,
        "price": str(parsed.unit_price),
        "sold_on": sold_on.isoformat(),
        "sku": product.key,
        "sku_options": list(product.candidates),
        "product_hint": parsed.product_hint or "",
        "terminal": terminal.key,
        "terminal_options": list(terminal.candidates),
        "terminal_hint": parsed.terminal_hint or "",
        "text": text[:500],
        "state": "pending",
        "from_total": parsed.from_total,
        "by": ctx.inbound.user_id,
    }
    draft = ctx.uow.drafts.save(dealer, data, ctx.now)
    reply = _next_question(ctx, draft.id, data)
    if not others:
        return reply
    note = ctx.t("draft.more_sales", count=len(others) + 1, first=first[:80])
    listing = "".join(f"\n• {other[:80]}" for other in others)
    return replace(reply, text=f"{note}{listing}\n\n{reply.text}")


def _next_question(ctx: Ctx, draft_id: int, data: dict) -> Reply:
    """Ask for what is still unclear, or show the draft with its three buttons."""
    if not data.get("sku"):
        options = data.get("sku_options") or [p.sku for p in ctx.uow.catalog.products()][:6]
        return inputs.pick_reply(
            ctx,
            "draft.product",
            data.get("product_hint") or "?",
            options,
            lambda k: product_label(ctx, k),
            lambda k: f"c:draft {draft_id} sku {k}",
        )
    if not data.get("terminal"):
        own = inputs.own_terminal_codes(ctx)
        options = data.get("terminal_options") or sorted(own)[: inputs.MAX_BUTTONS]
        return inputs.pick_reply(
            ctx,
            "draft.terminal",
            data.get("terminal_hint") or "?",
            options,
            lambda k: terminal_label(ctx, k) + ("" if k in own else ctx.t("sale.terminal.outside")),
            lambda k: f"c:draft {draft_id} terminal {k}",
            (
                Button(ctx.t("terminalproposal.button.propose"), f"c:draft {draft_id} unlisted"),
                Button(ctx.t("sale.button.cancel"), f"c:draft {draft_id} cancel"),
            ),
        )
    return confirm_card(ctx, draft_id, data)


def confirm_card(ctx: Ctx, draft_id: int, data: dict, dealer: DealerCode | None = None) -> Reply:
    """The draft as it would be recorded, what the checks will say, and Confirm / Edit /
    Cancel (`dealer` when the reader is not the dealer's own chat)."""
    sale = draft_from(ctx, data, dealer)
    summary = describe_draft(ctx, sale)
    notes = [ctx.t("draft.from_total")] if data.get("from_total") else []
    note = "".join("\n" + line for line in [*notes, *preview_lines(ctx, sale)])
    buttons = (
        (
            Button(ctx.t("sale.button.confirm"), f"c:draft {draft_id} ok"),
            Button(ctx.t("sale.button.edit"), f"c:draft {draft_id} edit"),
            Button(ctx.t("sale.button.cancel"), f"c:draft {draft_id} cancel"),
        ),
    )
    return Reply(ctx.t("draft.card", id=draft_id, summary=summary) + note, buttons)


def _own_draft(ctx: Ctx, dealer: DealerCode, text: str) -> Draft:
    draft_id = parse_record_id(text)
    draft = None if draft_id is None else ctx.uow.drafts.get(draft_id)
    if draft is None or draft.dealer != dealer:
        raise UserError("draft.not_found")
    return draft


def draft_cmd(ctx: Ctx) -> Reply:
    """Answer a drafted sale: ID ok|edit|cancel (the buttons under the draft do this)."""
    dealer = ctx.require_dealer()
    if len(ctx.args) < 2:
        raise UserError("draft.usage")
    draft = _own_draft(ctx, dealer, ctx.args[0])
    action, data = ctx.args[1].lower(), dict(draft.data)
    already = ctx.uow.sales.by_dedupe_key(f"draft:{draft.id}")
    if already is not None:
        if action == "ok":
            return receipt(ctx, record(ctx, draft_from(ctx, data), f"draft:{draft.id}"))
        raise UserError("draft.already_recorded", id=already.id)
    if data.get("state") == "cancelled":
        raise UserError("draft.cancelled_before")
    if data.get("state") == AWAITING and action != "cancel":
        if _proposal_open(ctx, data["proposal"]):
            raise UserError("terminalproposal.draft_waiting", id=draft.id, request=data["proposal"])
        # Its proposal ended without a decision here (expired): the draft is the dealer's again.
        data.update(state="pending", resumed_at=ctx.now.isoformat())
        ctx.uow.drafts.update(draft.id, data)
    if ctx.now - started(draft.created_at, data) > DRAFT_TTL:
        raise UserError("draft.expired")
    if action in ("sku", "terminal") and len(ctx.args) > 2:
        found = (inputs.resolve_product if action == "sku" else inputs.resolve_terminal)(
            ctx, ctx.args[2]
        )
        if found.key is None:
            raise UserError("draft.bad_choice")
        data[action] = found.key
        ctx.uow.drafts.update(draft.id, data)
        return _next_question(ctx, draft.id, data)
    if action == "cancel":
        data["state"] = "cancelled"
        ctx.uow.drafts.update(draft.id, data)
        return Reply(ctx.t("draft.cancelled"))
    if action == "edit":
        data["state"] = "cancelled"  # superseded by the form, which records on its own Confirm
        ctx.uow.drafts.update(draft.id, data)
        keep = {
            k: data[k]
            for k in ("kind", "sku", "qty", "price", "terminal", "sold_on", "text")
            if data.get(k) is not None
        }
        return start_form(ctx, "report", keep)
    if action == "unlisted":
        data["terminal"] = None
        ctx.uow.drafts.update(draft.id, data)
        return propose_terminal(ctx, draft.id, data)
    if action == "swap":
        data = swapped(data)
        ctx.uow.drafts.update(draft.id, data)
        return _next_question(ctx, draft.id, data)
    if action in ("ok", "sure"):
        if not data.get("sku") or not data.get("terminal"):
            return _next_question(ctx, draft.id, data)
        if action == "sure" and not data.get("doubts_ok"):
            data["doubts_ok"] = True
            ctx.uow.drafts.update(draft.id, data)
        return confirm_draft(ctx, draft.id, data)
    raise UserError("draft.usage")


def started(created_at: datetime, data: dict) -> datetime:
    """When the draft's time to be confirmed began: made, or resumed after its terminal
    was proposed and decided."""
    resumed = data.get("resumed_at")
    return datetime.fromisoformat(resumed) if resumed else created_at


def _proposal_open(ctx: Ctx, request_id: int) -> bool:
    request = ctx.uow.approvals.get(RequestId(int(request_id)))
    return request is not None and request.state in (State.PENDING, State.RETURNED)


def propose_terminal(ctx: Ctx, draft_id: int, data: dict) -> Reply:
    """申请新增终端: the proposal form (handlers.approvals.terminal_proposals), prefilled
    with the name the dealer wrote."""
    start = {
        "draft": draft_id,
        "name": (data.get("terminal_hint") or "")[:200],
        "summary": describe_unfinished(ctx, data),
    }
    return start_form(ctx, PROPOSAL_FORM, start)


def ask_for_terminal(ctx: Ctx, data: dict, options: tuple[str, ...], hint: str) -> Reply:
    """A report whose terminal is not clear waits as a draft for the dealer to pick one of
    the plausible matches, say it is not listed, or cancel."""
    data = {
        **data,
        "terminal": None,
        "terminal_options": list(options),
        "terminal_hint": hint,
        "state": "pending",
        "by": ctx.inbound.user_id,
    }
    draft = ctx.uow.drafts.save(ctx.require_dealer(), data, ctx.now)
    return _next_question(ctx, draft.id, data)


def confirm_draft(ctx: Ctx, draft_id: int, data: dict) -> Reply:
    """Record the draft, unless it looks like a typo not yet confirmed: then ask again."""
    ask_first = not data.get("doubts_ok")
    try:
        recorded = record(ctx, draft_from(ctx, data), f"draft:{draft_id}", ask_first=ask_first)
    except SaleDoubted as doubted:
        return _ask_again(ctx, draft_id, doubted)
    return receipt(ctx, recorded)


def _ask_again(ctx: Ctx, draft_id: int, doubted: SaleDoubted) -> Reply:
    return doubt_reply(
        ctx,
        doubted.doubts,
        f"c:draft {draft_id} sure",
        f"c:draft {draft_id} swap",
        Button(ctx.t("sale.button.edit"), f"c:draft {draft_id} edit"),
        Button(ctx.t("sale.button.cancel"), f"c:draft {draft_id} cancel"),
    )


def draft_for_doubt(ctx: Ctx, data: dict, doubted: SaleDoubted) -> Reply:
    """A report that looks like a typo is kept as a draft, nothing recorded, and asked
    about again."""
    data = {**data, "state": "pending", "by": ctx.inbound.user_id}
    draft = ctx.uow.drafts.save(ctx.require_dealer(), data, ctx.now)
    return _ask_again(ctx, draft.id, doubted)


def cancel_pending_drafts(ctx: Ctx) -> bool:
    """`cancel` also ends this user's drafted sales still waiting for Confirm."""
    if ctx.actor.dealer_code is None:
        return False
    ended = False
    for draft in ctx.uow.drafts.recent(ctx.actor.dealer_code, ctx.now - DRAFT_TTL):
        data = dict(draft.data)
        if data.get("state") != "pending" or data.get("by") != ctx.inbound.user_id:
            continue
        if ctx.uow.sales.by_dedupe_key(f"draft:{draft.id}") is not None:
            continue  # already recorded
        data["state"] = "cancelled"
        ctx.uow.drafts.update(draft.id, data)
        ended = True
    return ended


def install(router: Router, jobs: Jobs) -> None:
    router.text(sale_sentence, priority=10)
    router.command(draft_cmd, "draft", roles=DEALER, example="/draft 7 ok")
    router.cancel_hook(cancel_pending_drafts)
