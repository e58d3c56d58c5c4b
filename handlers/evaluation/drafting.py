"""evaluation (job, first day of each quarter) and `/evaluate DEALER|all PERIOD` (admins):
a scorecard per active dealer for the period, each sent for sign-off through the approvals
engine (the region's sales manager by default). The unique card per dealer and period is
what a rerun and a second scheduler meet on: a card is drafted, and sent, once."""

from __future__ import annotations

from domain.approvals.model import Kind, NewRequest, Request
from domain.approvals.rules import chain_for
from domain.approvals.services import submit_many
from domain.catalog.model import DealerCode
from domain.evaluation.model import Scorecard
from domain.evaluation.periods import previous
from domain.evaluation.services import draft_cards
from domain.shared.periods import Period, PeriodError, PeriodKind
from handlers.approvals.notices import tell_step_approvers
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.registry import ADMINS
from handlers.core.router import Router
from handlers.evaluation.digest import ONE_BY_ONE, tell_approvers_once
from handlers.evaluation.gathering import period_facts

REQUESTER = "job:evaluation"


def _submit(ctx, cards: list[Scorecard], requester: str) -> list[Request]:
    """Send the drafted cards for sign-off, their requests written together."""
    chain = chain_for(Kind.SCORECARD, dict(ctx.options.approval_chains))
    news = []
    for card in cards:
        total = "-" if card.total is None else f"{card.total}"
        subject = f"{card.dealer} {card.period} {card.grade or '-'} {total}"[:200]
        payload = {"scorecard": card.id, "period": str(card.period), "grade": card.grade}
        news.append(NewRequest(Kind.SCORECARD, subject, card.dealer, requester, chain, payload))
    requests = submit_many(ctx.uow.approvals, news, ctx.now)
    ctx.uow.evaluation.link_requests(
        [(card.id, request.id) for card, request in zip(cards, requests, strict=True)]
    )
    return requests


def draft_period(
    ctx, period: Period, dealers: list[DealerCode] | None, requester: str
) -> tuple[int, int]:
    """(cards drafted now, approvers told)."""
    facts = period_facts(ctx.uow, period, ctx.options, dealers)
    sent: list[Request] = []
    rules = ctx.options.evaluation
    drafted = draft_cards(
        ctx.uow.evaluation,
        period,
        facts,
        rules,
        ctx.now,
        lambda cards: sent.extend(_submit(ctx, cards, requester)),
    )
    if len(sent) > ONE_BY_ONE:
        return drafted, tell_approvers_once(ctx, sent, period)
    return drafted, sum(tell_step_approvers(ctx, r) for r in sent)  # type: ignore[arg-type]


def evaluation(ctx: JobContext) -> None:
    """At a quarter's end: draft every active dealer's scorecard and send it for sign-off."""
    period = previous(Period.containing(ctx.today, PeriodKind.QUARTER))
    drafted, told = draft_period(ctx, period, None, REQUESTER)
    ctx.sent += told
    if drafted:
        ctx.notes.append(f"{period}: {drafted} scorecards")


def evaluate(ctx: Ctx) -> Reply:
    """Draft scorecards now (admins): DEALER|all PERIOD; each goes for sign-off once."""
    if len(ctx.args) != 2:
        raise UserError("evaluation.evaluate_usage")
    who, when = ctx.args
    try:
        period = Period.parse(when)
    except PeriodError:
        raise UserError("evaluation.bad_period", value=when[:20]) from None
    if period.end >= ctx.today:
        raise UserError("evaluation.not_ended", period=str(period))
    dealers = None
    if who.lower() not in ("all", "全部"):
        dealer = DealerCode(who.upper()[:40])
        ctx.check_dealer(dealer)
        if ctx.uow.catalog.dealer(dealer) is None:  # an admin's scope covers any code
            raise UserError("error.dealer_not_found", code=dealer)
        dealers = [dealer]
    drafted, told = draft_period(ctx, period, dealers, ctx.actor.label)
    ctx.audit("evaluation.drafted", f"{period} {who} {drafted}")
    if not drafted:
        return Reply(ctx.t("evaluation.nothing_drafted", period=str(period)))
    key = "evaluation.drafted" if told else "evaluation.drafted_nobody_told"
    return Reply(ctx.t(key, count=drafted, period=str(period), told=told))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        evaluate, "evaluate", roles=ADMINS, example="/evaluate all 2026-Q3", aliases=("考核",)
    )
    jobs.add(evaluation, "evaluation")
