"""/renewal: a contract's renewal, proposed by the sales manager, confirmed by the dealer,
decided on the `renewal` approval chain; or its termination, with the notice recorded.

The contract_expiry job opens the renewal of each contract within the notice period and
tells the dealer's sales manager the pre-filled term. `/renewal DEALER [START END TARGET]`
sends the term to the dealer, whose buttons confirm it (the request goes to the chain, the
dealer its requester) or ask to discuss it (the manager is told). The last approval stores
the new contract as a one-row contracts import would, in its own transaction.
`/renewal DEALER terminate REASON`, once confirmed, records the notice and tells the dealer.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.approvals.model import DecisionRecord, Kind, NewRequest, Request, State
from domain.approvals.rules import chain_for
from domain.approvals.services import submit
from domain.catalog.model import Contract, DealerCode, ManagerRole
from domain.catalog.renewal import (
    PROPOSABLE,
    Renewal,
    RenewalState,
    Terms,
    TermsRefused,
    check_terms,
    next_contract,
    proposed_terms,
)
from domain.evaluation.rules import Consequence
from domain.identity.actors import Actor, Role
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import to_money
from domain.shared.numerals import normalize, parse_number
from domain.shared.ports import UnitOfWork
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import chat_of
from handlers.approvals.texts import chain_text
from handlers.catalog.own_contract import contract_text, in_force
from handlers.core.confirm import ask_to_confirm, confirmation
from handlers.core.context import CoreOptions, Ctx
from handlers.core.errors import UserError
from handlers.core.forms import Data
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import DEALER, MANAGER, SALES_LEADS, require
from handlers.core.router import Router

TERMINATE_FORM = "renewal_terminate"
TERMINATE_WORDS = frozenset({"terminate", "终止", "解除"})


# -- shared pieces -----------------------------------------------------------------------


def current_contract(uow: UnitOfWork, dealer: DealerCode, today: date) -> Contract | None:
    return in_force(uow.catalog.contracts(dealer), today)


def default_terms(uow: UnitOfWork, options: CoreOptions, contract: Contract) -> Terms:
    """The pre-filled next term, with what the dealer's last published evaluation asked
    for (新增部分重新招标, a review before renewal)."""
    found = uow.catalog.dealer(contract.dealer_code)
    card = uow.evaluation.latest_published(contract.dealer_code)
    asks = set(card.consequences) if card is not None else set()
    period = str(card.period) if card is not None else ""
    return proposed_terms(
        contract,
        options.target_growth,
        found.since if found else None,
        rebid=period if Consequence.REBID_NEW_PART in asks else "",
        review=period if Consequence.RENEWAL_REVIEW in asks else "",
    )


def terms_line(t: Translator, terms: Terms) -> str:
    text = t(
        "renewal.terms",
        start=t.date(terms.start),
        end=t.date(terms.end),
        target=t.money(terms.annual_target),
    )
    if not terms.assessed:
        text += t("renewal.first_year")
    if terms.rebid:
        text += t("renewal.rebid", period=terms.rebid)
    if terms.review:
        text += t("renewal.review", period=terms.review)
    return text


def sales_managers(uow: UnitOfWork, dealer: DealerCode) -> list[Actor]:
    return [
        m
        for m in uow.identities.managers_of_dealer(dealer)
        if m.manager_role is ManagerRole.SALES_MANAGER
    ]


def _contract_of(ctx: Ctx, dealer: DealerCode) -> Contract:
    found = current_contract(ctx.uow, dealer, ctx.today)
    if found is None:
        raise UserError("renewal.no_contract", dealer=dealer)
    return found


def _open_renewal(ctx: Ctx, dealer: DealerCode) -> tuple[Contract, Renewal]:
    contract = _contract_of(ctx, dealer)
    renewal = ctx.uow.renewals.open(dealer, contract.end, ctx.now)
    if renewal.state not in PROPOSABLE:
        raise UserError(
            "renewal.refused.state", dealer=dealer, state=ctx.t(f"renewal.state.{renewal.state}")
        )
    return contract, renewal


def _read_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError("renewal.bad_date", value=text[:40]) from None


def _read_target(text: str) -> Decimal:
    value = parse_number(normalize(text).strip().lstrip("¥").rstrip("元"))
    if value is None or value < 0 or value > MAX_AMOUNT:
        raise UserError("renewal.bad_target", value=text[:40])
    return to_money(value)


def _tell_dealer(ctx: Ctx, dealer: DealerCode, key: str, build) -> int:
    return sum(
        ctx.notify(contact, key, build) for contact in ctx.uow.recipients.dealer_contacts([dealer])
    )


# -- the command -------------------------------------------------------------------------


def renewal(ctx: Ctx) -> Reply:
    """A contract's renewal: propose the term, confirm it, ask to discuss, or terminate."""
    if ctx.actor.role is Role.DEALER:
        if len(ctx.args) >= 2 and ctx.args[0].lower() in ("confirm", "discuss"):
            mark = ctx.args[2] if len(ctx.args) > 2 else None
            return _dealer_answer(ctx, ctx.args[0].lower(), ctx.args[1], mark)
        if ctx.args:  # a dealer naming a dealer: the managers' sub-command
            require(ctx, "renewal", "propose")
        return Reply(contract_text(ctx, ctx.require_dealer()))
    if not ctx.args:
        raise UserError("renewal.usage")
    require(ctx, "renewal", "propose")
    dealer = DealerCode(ctx.args[0].upper()[:40])
    ctx.check_dealer(dealer)
    rest = ctx.args[1:]
    if rest and rest[0].lower() in TERMINATE_WORDS:
        reason = " ".join(rest[1:]).strip()[:500]
        if not reason:
            raise UserError("renewal.reason_needed")
        _open_renewal(ctx, dealer)
        return ask_to_confirm(ctx, TERMINATE_FORM, {"dealer": dealer, "reason": reason})
    if rest and len(rest) != 3:
        raise UserError("renewal.usage")
    return _propose(ctx, dealer, rest)


def _propose(ctx: Ctx, dealer: DealerCode, rest: list[str]) -> Reply:
    contract, renewal = _open_renewal(ctx, dealer)
    terms = default_terms(ctx.uow, ctx.options, contract)
    if rest:
        start, end = _read_date(rest[0]), _read_date(rest[1])
        terms = replace(terms, start=start, end=end, annual_target=_read_target(rest[2]))
    try:
        check_terms(contract, terms)
    except TermsRefused as refused:
        raise UserError(refused.key, end=ctx.t.date(contract.end)) from None
    renewal = replace(
        renewal, state=RenewalState.PROPOSED, terms=terms, proposed_by=ctx.actor.label
    )
    ctx.uow.renewals.save(renewal, ctx.now)
    ctx.audit("renewal.propose", f"{dealer} {terms.start} {terms.end} {terms.annual_target}")
    mark = terms_mark(terms)
    key = f"renewal:{renewal.id}:{mark}"

    def card(t: Translator) -> Reply:
        text = t("renewal.for_dealer", end=t.date(contract.end), terms=terms_line(t, terms))
        buttons = (
            (
                Button(t("renewal.button.confirm"), f"c:renewal confirm {renewal.id} {mark}"),
                Button(t("renewal.button.discuss"), f"c:renewal discuss {renewal.id} {mark}"),
            ),
        )
        return Reply(text, buttons)

    told = _tell_dealer(ctx, dealer, key, card)
    return Reply(
        ctx.t("renewal.proposed", dealer=dealer, terms=terms_line(ctx.t, terms), told=told)
    )


def terms_mark(terms: Terms) -> str:
    """A short mark of the terms on the dealer's buttons: a press on the card of terms
    since replaced is refused rather than taken for the new ones."""
    text = f"{terms.start}|{terms.end}|{terms.annual_target}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _dealer_answer(ctx: Ctx, answer: str, raw_id: str, mark: str | None) -> Reply:
    dealer = ctx.require_dealer()
    found = ctx.uow.renewals.get(int(raw_id)) if raw_id.isdigit() else None
    if found is None or found.dealer != dealer:
        raise UserError("renewal.not_found")
    if found.state is not RenewalState.PROPOSED or found.terms is None:
        raise UserError("renewal.not_waiting", state=ctx.t(f"renewal.state.{found.state}"))
    if mark is not None and mark != terms_mark(found.terms):
        raise UserError("renewal.stale")
    if answer == "confirm":
        return _submit(ctx, found)
    return _discuss(ctx, found)


def _submit(ctx: Ctx, renewal: Renewal) -> Reply:
    terms = renewal.terms
    assert terms is not None
    chain = chain_for(Kind.RENEWAL, dict(ctx.options.approval_chains))
    payload = {
        "renewal": renewal.id,
        "start": terms.start.isoformat(),
        "end": terms.end.isoformat(),
        "target": str(terms.annual_target),
        "_chat": chat_of(ctx.actor),
    }
    subject = f"{renewal.dealer} {terms.start}~{terms.end} ¥{terms.annual_target}"
    request = submit(
        ctx.uow.approvals,
        NewRequest(Kind.RENEWAL, subject, renewal.dealer, ctx.actor.label, chain, payload),
        ctx.now,
    )
    ctx.uow.renewals.save(
        replace(renewal, state=RenewalState.SUBMITTED, request_id=request.id), ctx.now
    )
    ctx.audit("approval.request", f"#{request.id} renewal {subject}")
    told = tell_step_approvers(ctx, request)
    return Reply(
        ctx.t("renewal.submitted", id=request.id, chain=chain_text(ctx.t, request), told=told)
    )


def _discuss(ctx: Ctx, renewal: Renewal) -> Reply:
    ctx.uow.renewals.save(replace(renewal, state=RenewalState.DISCUSS), ctx.now)
    ctx.audit("renewal.discuss", f"{renewal.dealer} #{renewal.id}")
    managers = [
        m
        for m in ctx.uow.identities.managers_of_dealer(renewal.dealer)
        if m.label == renewal.proposed_by
    ] or sales_managers(ctx.uow, renewal.dealer)
    found = ctx.uow.catalog.dealer(renewal.dealer)
    name = found.name if found else renewal.dealer
    told = sum(
        ctx.notify(
            m,
            f"renewal:{renewal.id}:discuss:{ctx.now.isoformat()}",
            lambda t: Reply(t("renewal.discuss_manager", dealer=renewal.dealer, name=name)),
        )
        for m in managers
    )
    return Reply(ctx.t("renewal.discuss_sent", told=told))


# -- termination -------------------------------------------------------------------------


def _terminate_preview(ctx: Ctx, data: Data) -> str:
    dealer = DealerCode(data["dealer"])
    contract = _contract_of(ctx, dealer)
    return ctx.t(
        "renewal.terminate_preview",
        dealer=dealer,
        end=ctx.t.date(contract.end),
        reason=data["reason"],
    )


def _terminate(ctx: Ctx, data: Data) -> Reply:
    dealer = DealerCode(data["dealer"])
    contract, renewal = _open_renewal(ctx, dealer)  # checked again: it may have moved on
    reason = str(data["reason"])
    renewal = replace(
        renewal,
        state=RenewalState.TERMINATED,
        notice_on=ctx.today,
        reason=reason,
        proposed_by=ctx.actor.label,
    )
    ctx.uow.renewals.save(renewal, ctx.now)
    ctx.audit("contract.terminate", f"{dealer} end {contract.end} notice {ctx.today} {reason}")
    today = ctx.today
    told = _tell_dealer(
        ctx,
        dealer,
        f"renewal:{renewal.id}:terminate",
        lambda t: Reply(
            t(
                "renewal.terminated_dealer",
                end=t.date(contract.end),
                on=t.date(today),
                reason=reason,
            )
        ),
    )
    return Reply(
        ctx.t("renewal.terminated", dealer=dealer, end=ctx.t.date(contract.end), told=told)
    )


# -- the decision's effect ---------------------------------------------------------------


def on_decided(ctx: Ctx, request: Request, record: DecisionRecord) -> str:
    """Approved: the new contract stored, in the last approval's transaction (a refusal of
    the import's check refuses the approval). Refused or expired: the manager may propose
    again."""
    renewal = ctx.uow.renewals.by_request(request.id)
    if renewal is None or renewal.terms is None:
        return ""
    if renewal.state is RenewalState.TERMINATED:  # the dealership was cancelled meanwhile
        if request.state is State.APPROVED:
            raise UserError("renewal.refused.terminated", dealer=renewal.dealer)
        return ""
    if request.state in (State.REJECTED, State.WITHDRAWN, State.EXPIRED):
        ctx.uow.renewals.save(replace(renewal, state=RenewalState.REJECTED), ctx.now)
        _tell_proposer(ctx, renewal, record)
        return ""
    if request.state is not State.APPROVED:
        return ""
    ending = [c for c in ctx.uow.catalog.contracts(renewal.dealer) if c.end == renewal.contract_end]
    if not ending:
        raise UserError("renewal.no_contract", dealer=renewal.dealer)
    new = next_contract(ending[-1], renewal.terms)
    try:
        ctx.uow.catalog.add_contract(new)
    except ValueError:
        raise UserError("renewal.refused.store", dealer=renewal.dealer) from None
    ctx.uow.renewals.save(replace(renewal, state=RenewalState.APPROVED), ctx.now)
    ctx.audit("contract.renew", f"#{request.id} {new.dealer_code} {new.start} {new.end}")
    terms = renewal.terms
    _tell_dealer(
        ctx,
        renewal.dealer,
        f"renewal:{renewal.id}:approved",
        lambda t: Reply(t("renewal.approved_dealer", terms=terms_line(t, terms))),
    )
    return ctx.t("renewal.stored", dealer=new.dealer_code, terms=terms_line(ctx.t, terms))


def _tell_proposer(ctx: Ctx, renewal: Renewal, record: DecisionRecord) -> None:
    """The manager who proposed the terms hears that they did not pass, to propose again."""
    for manager in ctx.uow.identities.managers_of_dealer(renewal.dealer):
        if manager.label != renewal.proposed_by or manager.label == record.actor:
            continue
        ctx.notify(
            manager,
            f"renewal:{renewal.id}:refused:{record.request_id}",
            lambda t: Reply(
                t(
                    "renewal.refused_manager",
                    dealer=renewal.dealer,
                    decision=t(f"approval.decision.{record.decision.value}"),
                    reason=record.reason or "-",
                )
            ),
        )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        renewal,
        "renewal",
        roles=DEALER | MANAGER,
        example="/renewal D001",
        aliases=("续签",),
        actions={"propose": SALES_LEADS},
    )
    router.form(confirmation(TERMINATE_FORM, _terminate_preview, _terminate))
    router.approval_outcome(on_decided, Kind.RENEWAL.value)
