"""`/application ID terms`: the sales manager fills in the contract terms (start, end — one
year by default —, annual target, deposit, franchise fee, authorized regions, terminals and
lines); the applicant confirms them in chat (`/apply accept`) or asks to discuss them."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.approvals.model import RequestId
from domain.catalog.model import ManagerRole, ProductLine, RegionCode, TerminalCode
from domain.onboarding.model import Application, ContractTerms
from domain.onboarding.rules import default_end, terms_problem
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import to_money
from domain.shared.numerals import normalize, parse_number
from handlers.approvals.people import requester_chats, step_approvers
from handlers.approvals.texts import decision_buttons
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step, start_form
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply
from handlers.onboarding.common import applicant_label, load
from handlers.onboarding.fields import KEEP, SPLIT, keep_row, read_lines, read_regions
from handlers.onboarding.texts import terms_text
from handlers.onboarding.visit import step_request

FORM_NAME = "onboarding_terms"
NONE_WORDS = frozenset({"none", "无", "没有", "-"})
ORDER = ("start", "end", "target", "deposit", "fee", "regions", "terminals", "lines")


def start_terms(ctx: Ctx, application: Application) -> Reply:
    step_request(ctx, application, ManagerRole.SALES_MANAGER)
    d = application.details
    start = application.terms.start if application.terms else ctx.today
    data: Data = {
        "application": application.id,
        "number": application.number,
        "start": start.isoformat(),
        "end": default_end(start, ctx.options.onboarding_term_months).isoformat(),
        "regions": list(application.terms.regions if application.terms else d.regions),
        "terminals": list(application.terms.terminals) if application.terms else [],
        "lines": list(application.terms.lines if application.terms else d.lines),
    }
    if application.terms:
        t = application.terms
        data.update(target=str(t.annual_target), deposit=str(t.deposit), fee=str(t.franchise_fee))
    return start_form(ctx, FORM_NAME, data)


def _date(value: str) -> str:
    try:
        return date.fromisoformat(normalize(value).strip()).isoformat()
    except ValueError:
        raise UserError("onboarding.terms.bad_date", value=value[:40]) from None


def _money(value: str) -> str:
    amount = parse_number(normalize(value).strip().lstrip("¥").rstrip("元"))
    if amount is None or amount < 0 or amount > MAX_AMOUNT:
        raise UserError("onboarding.bad_amount", value=value[:40])
    return str(to_money(amount))


def _terminals(ctx: Ctx, value: str) -> list[str]:
    if value.strip().lower() in NONE_WORDS:
        return []
    codes = [w.upper() for w in SPLIT.split(normalize(value)) if w]
    for code in codes:
        if ctx.uow.catalog.terminal(TerminalCode(code)) is None:
            raise UserError("onboarding.terms.terminal_unknown", value=code[:40])
    return codes


READERS = {
    "start": lambda ctx, v: _date(v),
    "end": lambda ctx, v: _date(v),
    "target": lambda ctx, v: _money(v),
    "deposit": lambda ctx, v: _money(v),
    "fee": lambda ctx, v: _money(v),
    "regions": read_regions,
    "terminals": _terminals,
    "lines": read_lines,
}


def _step(name: str, following: str) -> Step:
    def ask(ctx: Ctx, data: Data) -> Reply:
        rows = keep_row(ctx, data, name)
        if name == "terminals":
            rows = (*rows, (Button(ctx.t("onboarding.terms.no_terminals"), "f:none"),))
        return Reply(ctx.t(f"onboarding.terms.ask_{name}", number=data["number"]), rows)

    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value == KEEP and name in data:
            return following
        if not value.strip():
            raise UserError("onboarding.empty", field=ctx.t(f"onboarding.terms.field.{name}"))
        data[name] = READERS[name](ctx, value)
        if name == "start":  # the end follows a new start unless typed next
            start = date.fromisoformat(data["start"])
            data["end"] = default_end(start, ctx.options.onboarding_term_months).isoformat()
        return following

    return Step(ask, answer)


def terms_of(data: Data, by: str) -> ContractTerms:
    return ContractTerms(
        date.fromisoformat(data["start"]),
        date.fromisoformat(data["end"]),
        Decimal(data["target"]),
        Decimal(data["deposit"]),
        Decimal(data["fee"]),
        tuple(RegionCode(r) for r in data["regions"]),
        tuple(TerminalCode(t) for t in data["terminals"]),
        tuple(ProductLine(x) for x in data["lines"]),
        by,
    )


def terms_mark(terms: ContractTerms) -> str:
    """A mark of the terms on the applicant's buttons: a press on replaced terms is refused."""
    return hashlib.sha256(repr(sorted(terms.to_json().items())).encode()).hexdigest()[:8]


def _finish(ctx: Ctx, data: Data) -> Reply:
    application = ctx.uow.applications.get(int(data["application"]))
    if application is None:
        raise UserError("onboarding.not_found", id=str(data["application"]))
    request = step_request(ctx, application, ManagerRole.SALES_MANAGER)
    terms = terms_of(data, ctx.actor.label)
    problem = terms_problem(terms)
    if problem is not None:
        raise UserError(f"onboarding.terms.{problem.value}")
    ctx.uow.applications.update(replace(application, terms=terms, terms_confirmed_at=None), ctx.now)
    ctx.audit(
        "onboarding.terms", f"{application.number} {terms.start}~{terms.end} {terms.annual_target}"
    )
    mark = terms_mark(terms)

    def card(t: Translator) -> Reply:
        text = t(
            "onboarding.terms.for_applicant", number=application.number, terms=terms_text(t, terms)
        )
        buttons = (
            (
                Button(t("onboarding.button.accept"), f"c:apply accept {application.id} {mark}"),
                Button(t("onboarding.button.discuss"), f"c:apply discuss {application.id} {mark}"),
            ),
        )
        return Reply(text, buttons)

    told = sum(
        ctx.notify(chat, f"onboarding:{application.id}:terms:{mark}", card)
        for chat in requester_chats(ctx.uow, request)
    )
    key = "onboarding.terms.sent" if told else "onboarding.terms.sent_nobody"
    return Reply(ctx.t(key, number=application.number, terms=terms_text(ctx.t, terms)))


def _form() -> Form:
    steps = {name: _step(name, nxt) for name, nxt in zip(ORDER, [*ORDER[1:], END], strict=True)}
    return Form(FORM_NAME, ORDER[0], steps, _finish)


FORM = _form()


def applicant_answer(ctx: Ctx, answer: str, args) -> Reply:
    """The applicant's press on the terms card: accept them, or ask to discuss."""
    if not args:
        raise UserError("onboarding.not_found", id="")
    application = load(ctx, args[0])
    if application.requester != applicant_label(ctx):
        raise UserError("onboarding.not_found", id=args[0][:20])
    terms = application.terms
    if terms is None:
        raise UserError("onboarding.terms.none_yet", number=application.number)
    if len(args) > 1 and args[1] != terms_mark(terms):
        raise UserError("onboarding.terms.stale", number=application.number)
    request = ctx.uow.approvals.get(RequestId(application.request_id or 0))
    if (
        request is None
        or request.rule is None
        or request.rule.role is not ManagerRole.SALES_MANAGER
    ):
        raise UserError("onboarding.not_in_review", number=application.number)
    if answer == "accept":
        if application.terms_confirmed_at is None:
            ctx.uow.applications.update(replace(application, terms_confirmed_at=ctx.now), ctx.now)
            ctx.audit("onboarding.terms_accept", application.number)
        told = sum(
            ctx.notify(
                person,
                f"onboarding:{application.id}:accepted:{terms_mark(terms)}",
                lambda t: Reply(
                    t(
                        "onboarding.terms.accepted_manager",
                        number=application.number,
                        id=request.id,
                    ),
                    decision_buttons(t, request),
                ),
            )
            for person in step_approvers(ctx.uow, request)
        )
        return Reply(ctx.t("onboarding.terms.accepted", number=application.number, told=told))
    told = sum(
        ctx.notify(
            person,
            f"onboarding:{application.id}:discuss:{ctx.now.isoformat()}",
            lambda t: Reply(t("onboarding.terms.discuss_manager", number=application.number)),
        )
        for person in step_approvers(ctx.uow, request)
    )
    ctx.audit("onboarding.terms_discuss", application.number)
    return Reply(ctx.t("onboarding.terms.discuss_sent", number=application.number, told=told))
