"""How a request reads in chat: its card, its chain, its history, its decision buttons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.approvals.model import DecisionRecord, Kind, Request, State, StepRule
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply


def step_name(t: Translator, rule: StepRule) -> str:
    return rule.manager if rule.manager else t(f"seat.{rule.role}")


def chain_text(t: Translator, request: Request) -> str:
    names = []
    for i, rule in enumerate(request.chain):
        name = step_name(t, rule)
        if request.state is State.PENDING and i == request.step:
            name = f"[{name}]"
        names.append(name)
    return " → ".join(names)


def rules_text(t: Translator, chain) -> str:
    return " → ".join(step_name(t, rule) for rule in chain)


def state_text(t: Translator, request: Request) -> str:
    if request.state is State.PENDING:
        return t(
            "approval.state.pending_step",
            step=request.step + 1,
            steps=len(request.chain),
            who=step_name(t, request.chain[request.step]),
        )
    return t(f"approval.state.{request.state.value}")


def card_text(t: Translator, request: Request, names) -> str:
    """`names` renders an actor label (handlers.core.names.actor_name bound to a ctx)."""
    text = t(
        "approval.card",
        id=request.id,
        kind=t(f"approval.kind.{request.kind.value}"),
        subject=request.subject,
        requester=names(request.requester),
        state=state_text(t, request),
        chain=chain_text(t, request),
    )
    if request.kind is Kind.TERMINAL_PROPOSAL:
        text += "\n" + terminal_proposal_lines(t, request)
    # Lines a kind puts on its card as catalog keys with their values: [[key, {..}], ...].
    for key, params in request.payload.get("_lines", ()):
        text += "\n" + t(key, **params)
    return text


def proposal_lines(t: Translator, p: dict) -> str:
    return t(
        "terminalproposal.card",
        name=p.get("name", ""),
        address=p.get("address", "") or "-",
        region=p.get("region_name") or p.get("region", ""),
        kind=t(f"terminalproposal.kind.{p.get('terminal_kind', 'other')}"),
    )


def terminal_proposal_lines(t: Translator, request: Request) -> str:
    """The proposal and the sale waiting for it, under the request's card."""
    p = request.payload
    lines = [proposal_lines(t, p)]
    sale = p.get("sale")
    if sale:
        lines.append(
            t(
                "terminalproposal.card_sale",
                draft=p.get("draft", "?"),
                product=sale["product"],
                qty=t.number(int(sale["qty"])),
                price=t.money(Decimal(sale["price"])),
                day=t.date(date.fromisoformat(sale["day"])),
            )
        )
    return "\n".join(lines)


def decision_line(t: Translator, record: DecisionRecord, names, tz) -> str:
    return t(
        "approval.history_line",
        step=record.step + 1,
        decision=t(f"approval.decision.{record.decision.value}"),
        by=names(record.actor),
        stand_in=t("approval.stand_in", manager=record.for_manager) if record.for_manager else "",
        at=t.datetime(record.at, tz),
        reason=record.reason or "-",
    )


def decision_buttons(t: Translator, request: Request) -> tuple[tuple[Button, ...], ...]:
    """Approve / reject / return, carrying the step and version they were shown for."""
    mark = f"@{request.step}.{request.version}"
    return (
        tuple(
            Button(t(f"approval.button.{d}"), f"c:approval {request.id} {d} {mark}")
            for d in ("approve", "reject", "return")
        ),
    )


def approver_card(t: Translator, request: Request, names) -> Reply:
    return Reply(
        t("approval.waiting_for_you", card=card_text(t, request, names)),
        decision_buttons(t, request),
    )
