"""申请新增终端: a sale naming a terminal the catalog lacks waits as a draft while the
dealer proposes the terminal on the approval engine.

The terminal question of every entry point (the one-line command, the guided form, a
sentence) offers "申请新增终端"; it opens the `terminal_proposal` form (name, address,
region, type, confirm), prefilled with the name the dealer wrote and their territory's
region. On Confirm the request goes to its chain (the region's regional director by
default) and the draft waits. Approved: the terminal joins the catalog under `TP-<number>`
and the dealer gets the draft's confirmation card with it, the price and territory checks
run there as for any draft. Rejected, returned or withdrawn: the draft is editable again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import handlers.sales.inputs as inputs
from domain.approvals.model import DecisionRecord, Kind, Request, State
from domain.approvals.rules import chain_for
from domain.approvals.terminal_proposals import (
    MAX_ADDRESS,
    MAX_NAME,
    TerminalKind,
    TerminalProposal,
    add_proposed_terminal,
    propose,
)
from domain.catalog.model import DealerCode, RegionCode
from domain.sales.model import Draft
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of, namer, requester_chats, step_approvers
from handlers.approvals.texts import proposal_lines, rules_text
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Form, Step
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.names import region_name
from handlers.core.router import Router
from handlers.sales.drafts import AWAITING, DRAFT_TTL, confirm_card
from handlers.sales.recording import product_label

FORM_NAME = "terminal_proposal"
KIND_WORDS = {
    "医院": TerminalKind.HOSPITAL,
    "诊所": TerminalKind.CLINIC,
    "药店": TerminalKind.PHARMACY,
    "其他": TerminalKind.OTHER,
}


# -- the form ---------------------------------------------------------------------------


KEEP = "__keep__"  # the answer of the button keeping the value already there (a name may
# be longer than a button's payload can carry)


def _keep(ctx: Ctx, value: str) -> tuple[tuple[Button, ...], ...]:
    if not value:
        return ()
    return ((Button(ctx.t("sale.form.keep", value=value)[:40], f"f:{KEEP}"),),)


def _kept(data: dict, field: str, value: str) -> str:
    return data.get(field, "") if value == KEEP else value.strip()


def _ask_name(ctx: Ctx, data: dict) -> Reply:
    text = ctx.t(
        "terminalproposal.ask_name",
        draft=data["draft"],
        summary=data.get("summary", ""),
        chain=rules_text(ctx.t, chain_for(Kind.TERMINAL_PROPOSAL, _chains(ctx))),
    )
    return Reply(text, _keep(ctx, data.get("name", "")))


def _answer_name(ctx: Ctx, data: dict, value: str) -> str:
    value = _kept(data, "name", value)
    if not value:
        raise UserError("terminalproposal.name_empty")
    data["name"] = value[:MAX_NAME]
    return "address"


def _ask_address(ctx: Ctx, data: dict) -> Reply:
    return Reply(ctx.t("terminalproposal.ask_address"), _keep(ctx, data.get("address", "")))


def _answer_address(ctx: Ctx, data: dict, value: str) -> str:
    value = _kept(data, "address", value)
    if not value:
        raise UserError("terminalproposal.address_empty")
    data["address"] = value[:MAX_ADDRESS]
    return "region"


def _regions_of(ctx: Ctx) -> list[RegionCode]:
    return ctx.uow.catalog.dealer_regions(ctx.require_dealer())


def _region_label(ctx: Ctx, code: str) -> str:
    name = region_name(ctx, RegionCode(code))
    return f"{name} ({code})" if name else code


def _ask_region(ctx: Ctx, data: dict) -> Reply:
    own = _regions_of(ctx)
    buttons = [Button(_region_label(ctx, r)[:40], f"f:{r}") for r in own]
    return Reply(ctx.t("terminalproposal.ask_region"), button_rows(buttons, per_row=2))


def _answer_region(ctx: Ctx, data: dict, value: str) -> str:
    """A region's code, or the name of one of the dealer's regions."""
    code = inputs.as_code(value)
    if region_name(ctx, RegionCode(code)) is None:
        named = [r for r in _regions_of(ctx) if region_name(ctx, r) == value.strip()]
        if not named:
            raise UserError("terminalproposal.region_unknown", value=value[:40])
        code = named[0]
    data["region"] = code
    return "kind"


def _ask_kind(ctx: Ctx, data: dict) -> Reply:
    buttons = [
        Button(ctx.t(f"terminalproposal.kind.{k.value}"), f"f:{k.value}") for k in TerminalKind
    ]
    return Reply(ctx.t("terminalproposal.ask_kind"), button_rows(buttons, per_row=2))


def _answer_kind(ctx: Ctx, data: dict, value: str) -> str:
    word = value.strip().lower()
    kind = KIND_WORDS.get(word) or next((k for k in TerminalKind if k.value == word), None)
    if kind is None:
        raise UserError("terminalproposal.kind_unknown", value=value[:40])
    data["terminal_kind"] = kind.value
    return "confirm"


def _ask_confirm(ctx: Ctx, data: dict) -> Reply:
    text = ctx.t(
        "terminalproposal.preview",
        card=proposal_lines(ctx.t, {**data, "region_name": _region_label(ctx, data["region"])}),
        chain=rules_text(ctx.t, chain_for(Kind.TERMINAL_PROPOSAL, _chains(ctx))),
    )
    return Reply(text, ((Button(ctx.t("exception.button.send"), "f:yes"),),))


def _answer_confirm(ctx: Ctx, data: dict, value: str) -> str:
    if value.lower() not in {"yes", "y", "是", "确认", "发送"}:
        raise UserError("exception.confirm_please")
    return END


def _chains(ctx: Ctx) -> dict:
    return dict(ctx.options.approval_chains)


def _waiting_draft(ctx: Ctx, draft_id: int) -> Draft:
    draft = ctx.uow.drafts.get(int(draft_id))
    if draft is None or draft.dealer != ctx.require_dealer():
        raise UserError("draft.not_found")
    if ctx.uow.sales.by_dedupe_key(f"draft:{draft.id}") is not None:
        raise UserError("draft.already_recorded", id=draft.id)
    if draft.data.get("state") == "cancelled":
        raise UserError("draft.cancelled_before")
    return draft


def _send(ctx: Ctx, data: dict) -> Reply:
    dealer = ctx.require_dealer()
    draft = _waiting_draft(ctx, data["draft"])
    proposal = TerminalProposal.from_payload(data)
    sale = draft.data
    extra = {
        "_chat": chat_of(ctx.actor),
        "region_name": _region_label(ctx, proposal.region),
        "draft": draft.id,
        "sale": {
            "product": product_label(ctx, sale["sku"]) if sale.get("sku") else "?",
            "qty": int(sale["qty"]),
            "price": str(sale["price"]),
            "day": sale.get("sold_on") or ctx.today.isoformat(),
        },
    }
    proposed = propose(
        ctx.uow.approvals,
        proposal,
        dealer=dealer,
        requester=ctx.actor.label,
        now=ctx.now,
        configured=_chains(ctx),
        extra=extra,
    )
    request = proposed.request
    waiting = {**draft.data, "state": AWAITING, "proposal": request.id, "terminal": None}
    ctx.uow.drafts.update(draft.id, waiting)
    chain = rules_text(ctx.t, request.chain)
    if not proposed.opened:
        returned = request.state is State.RETURNED
        return Reply(
            ctx.t(
                "terminalproposal.already_returned"
                if returned
                else "terminalproposal.already_open",
                id=request.id,
                name=request.payload.get("name", ""),
                draft=draft.id,
                chain=chain,
            )
        )
    ctx.audit("approval.request", f"#{request.id} terminal_proposal {request.subject}"[:500])
    told = tell_step_approvers(ctx, request)
    names = namer(ctx.uow)
    asked = sorted(
        {names(p.label) for p in step_approvers(ctx.uow, request) if p.label != request.requester}
    )
    key = "terminalproposal.sent" if told and asked else "terminalproposal.sent_nobody"
    return Reply(
        ctx.t(
            key,
            id=request.id,
            name=proposal.name,
            draft=draft.id,
            chain=chain,
            who=_listing(ctx.t, asked),
        )
    )


def _listing(t: Translator, names: list[str]) -> str:
    return ("、" if t.locale.startswith("zh") else ", ").join(names)


FORM = Form(
    FORM_NAME,
    "name",
    {
        "name": Step(_ask_name, _answer_name),
        "address": Step(_ask_address, _answer_address),
        "region": Step(_ask_region, _answer_region),
        "kind": Step(_ask_kind, _answer_kind),
        "confirm": Step(_ask_confirm, _answer_confirm),
    },
    _send,
)


# -- the card's lines and the decision's effect ------------------------------------------


def _drafts_of(ctx: Ctx, request: Request) -> list[Draft]:
    """The dealer's drafts waiting for this proposal (a duplicate proposal adds its own)."""
    if request.dealer is None:
        return []
    since = request.created_at - DRAFT_TTL - timedelta(days=1)
    return [
        d
        for d in ctx.uow.drafts.recent(DealerCode(request.dealer), since)
        if d.data.get("proposal") == request.id
        and d.data.get("state") in (AWAITING, "pending")
        and ctx.uow.sales.by_dedupe_key(f"draft:{d.id}") is None
    ]


def on_decided(ctx: Ctx, request: Request, record: DecisionRecord) -> str:
    """A decided proposal's effect, in the decision's transaction: approved, the terminal
    is added and the waiting drafts resume; not approved, they are the dealer's again. The
    dealer gets what it means for their drafts, with their buttons, in a notice of its own;
    the returned line is for the decision's replies."""
    if request.state is State.APPROVED:
        effect, follow_up = _approved(ctx, request)
    elif request.state in (State.REJECTED, State.RETURNED, State.WITHDRAWN, State.EXPIRED):
        effect, follow_up = _not_approved(ctx, request, record)
    else:
        for draft in _drafts_of(ctx, request):  # resubmitted, or on to a next step: they wait
            ctx.uow.drafts.update(draft.id, {**draft.data, "state": AWAITING})
        return ""
    if follow_up is not None and record.actor != request.requester:
        for chat in requester_chats(ctx.uow, request):
            ctx.notify(chat, f"terminal_proposal:{request.id}:v{record.version}", follow_up)
    return effect


def _approved(ctx: Ctx, request: Request):
    terminal = add_proposed_terminal(ctx.uow.catalog, request)
    ctx.audit("terminal.add", f"{terminal.code} {terminal.name} from approval #{request.id}")
    resumed = []
    for draft in _drafts_of(ctx, request):
        data = {**draft.data, "state": "pending", "terminal": terminal.code}
        data["resumed_at"] = ctx.now.isoformat()
        ctx.uow.drafts.update(draft.id, data)
        resumed.append((draft.id, data))
    effect = ctx.t("terminalproposal.added", name=terminal.name, code=terminal.code)
    dealer = DealerCode(request.dealer) if request.dealer else None

    def follow_up(t: Translator) -> Reply:
        key = "terminalproposal.added_for_dealer" if resumed else "terminalproposal.added_no_draft"
        text = [t(key, name=terminal.name, code=terminal.code)]
        buttons: tuple = ()
        for draft_id, data in resumed:
            card = confirm_card(replace(ctx, t=t), draft_id, data, dealer)
            text.append(card.text)
            buttons = (*buttons, *card.buttons)
        return Reply("\n".join(text), buttons)

    return effect, follow_up


def _not_approved(ctx: Ctx, request: Request, record: DecisionRecord):
    back = []
    for draft in _drafts_of(ctx, request):
        data = {**draft.data, "state": "pending", "resumed_at": ctx.now.isoformat()}
        ctx.uow.drafts.update(draft.id, data)
        back.append(draft.id)

    def follow_up(t: Translator) -> Reply:
        rows = tuple(
            (
                Button(t("sale.button.edit"), f"c:draft {d} edit"),
                Button(t("sale.button.cancel"), f"c:draft {d} cancel"),
            )
            for d in back
        )
        lines = [
            t(
                "terminalproposal.draft_kept",
                id=request.id,
                name=request.payload.get("name", ""),
                decision=t(f"approval.decision.{record.decision.value}"),
                reason=record.reason or "-",
                draft=d,
            )
            for d in back
        ]
        return Reply("\n".join(lines), rows)

    return "", (follow_up if back else None)


def install(router: Router, jobs: Jobs) -> None:
    router.form(FORM)
    router.approval_outcome(on_decided, Kind.TERMINAL_PROPOSAL.value)
