"""Sign-off, adjustment and appeal of a scorecard through the approvals engine.

The card's current request (the sign-off, or later the appeal's review) is decided with
`/approval ID approve|reject|return`. Before deciding, whoever may decide its step may set
one criterion's points with a reason (`/score DEALER PERIOD adjust CRITERION POINTS
REASON`): recorded with who and when, the total and grade follow. Approved, the card is
published to the dealer and a proposed tier change takes effect; rejected, it is set aside
(the next draft replaces it). A dealer may appeal a published card within `appeal_days`:
the same chain reviews it again.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.approvals.model import DecisionRecord, Kind, NewRequest, Request, State
from domain.approvals.rules import chain_for, check_decision
from domain.approvals.services import submit
from domain.evaluation.model import CardState, Criterion, Scorecard
from domain.evaluation.rules import Consequence
from domain.evaluation.services import adjust, appeal_deadline, check_appeal
from domain.shared.periods import Period
from domain.targets.resolution import YEARS_BACK, resolve_target
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import approvers_of, chat_of
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import SUPPORTED, Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import require
from handlers.core.router import Router
from handlers.evaluation.asked import parse_period


def criterion_named(word: str) -> Criterion | None:
    """A criterion by its key (sales) or its name in either language (销售达成)."""
    word = word.strip().casefold()
    for c in Criterion:
        names = {c.value} | {
            Translator(loc)(f"evaluation.criterion.{c.value}").casefold() for loc in SUPPORTED
        }
        if word in names:
            return c
    return None


def adjust_card(ctx: Ctx, card: Scorecard, args) -> Reply:
    """Set one criterion's points with a reason, before the sign-off decides."""
    require(ctx, "score", "adjust")
    if len(args) == 2:
        raise UserError("evaluation.adjust_refused.no_reason")
    if len(args) < 3:
        raise UserError("evaluation.adjust_usage", dealer=card.dealer, period=str(card.period))
    criterion = criterion_named(args[0])
    if criterion is None:
        names = ", ".join(c.value for c in Criterion)
        raise UserError("evaluation.unknown_criterion", value=args[0][:30], names=names)
    try:
        points = Decimal(args[1])
    except InvalidOperation:
        raise UserError("evaluation.bad_points", value=args[1][:20]) from None
    request = ctx.uow.approvals.get(card.request_id) if card.request_id else None
    if request is None or request.state is not State.PENDING:
        raise UserError("evaluation.not_under_review", id=card.id)
    approvers = approvers_of(ctx.uow, ctx.actor, request, ctx.today)
    refusal, _ = check_decision(request, ctx.actor.label, approvers, request.step, request.version)
    if refusal is not None:
        raise UserError("evaluation.not_your_step", id=request.id)
    reason = " ".join(args[2:])
    refused = adjust(
        ctx.uow.evaluation,
        card,
        criterion,
        points,
        reason,
        ctx.actor.label,
        ctx.now,
        ctx.options.evaluation,
    )
    if refused is not None:
        raise UserError(f"evaluation.adjust_refused.{refused.value}")
    ctx.audit("evaluation.adjusted", f"#{card.id} {criterion.value} {points} {reason}"[:500])
    after = ctx.uow.evaluation.get(card.id)
    assert after is not None
    return Reply(
        ctx.t(
            "evaluation.adjust_done",
            name=ctx.t(f"evaluation.criterion.{criterion.value}"),
            points=f"{points:.2f}",
            total="-" if after.total is None else f"{after.total:.2f}",
            grade=after.grade or "-",
            id=request.id,
        )
    )


def appeal(ctx: Ctx, args) -> Reply:
    """A dealer contests its published card: PERIOD REASON, within the appeal days."""
    require(ctx, "score", "appeal")
    dealer = ctx.require_dealer()
    days = ctx.options.evaluation.appeal_days
    if len(args) < 2:
        raise UserError("evaluation.appeal_usage", days=days)
    period = parse_period(args[0])
    card = ctx.uow.evaluation.of(dealer, period)
    if card is None:
        return Reply(ctx.t("evaluation.none_published", period=str(period)))
    refusal = check_appeal(card, ctx.now, days)
    if refusal is not None:
        deadline = appeal_deadline(card, days)
        raise UserError(
            f"evaluation.appeal_refused.{refusal.value}",
            period=str(period),
            days=days,
            deadline=ctx.t.datetime(deadline, ctx.options.tz) if deadline else "-",
        )
    reason = " ".join(args[1:]).strip()[:1000]
    chain = chain_for(Kind.SCORECARD, dict(ctx.options.approval_chains))
    payload = {"scorecard": card.id, "appeal": reason, "_chat": chat_of(ctx.actor)}
    subject = f"{dealer} {period} {card.grade or '-'} (appeal)"[:200]
    request = submit(
        ctx.uow.approvals,
        NewRequest(Kind.SCORECARD, subject, dealer, ctx.actor.label, chain, payload),
        ctx.now,
    )
    ctx.uow.evaluation.set_appeal(card.id, reason, request.id)
    ctx.audit("evaluation.appeal", f"#{card.id} request #{request.id}")
    told = tell_step_approvers(ctx, request)
    key = "evaluation.appeal_sent" if told else "evaluation.appeal_sent_nobody"
    return Reply(ctx.t(key, id=request.id, period=str(period), told=told))


def _tell_dealer(ctx: Ctx, card: Scorecard, key: str, dedupe: str) -> int:
    told = 0
    for contact in ctx.uow.recipients.dealer_contacts([card.dealer]):
        told += ctx.notify(
            contact,
            dedupe,
            lambda t, c=card: Reply(
                t(
                    key,
                    period=str(c.period),
                    grade=c.grade or "-",
                    total="-" if c.total is None else f"{c.total:.2f}",
                )
            ),
        )
    return told


def _apply_tier(ctx: Ctx, card: Scorecard) -> str:
    """The tier the card leaves the dealer in, set now (the drafted tier when unchanged)."""
    wanted = card.new_tier or card.tier
    current = ctx.uow.evaluation.tiers([card.dealer]).get(card.dealer, "")
    if not wanted or wanted == current:
        return ""
    ctx.uow.evaluation.set_tier(card.dealer, wanted)
    ctx.audit("evaluation.tier", f"{card.dealer} {current} -> {wanted} (card #{card.id})")
    return ctx.t("evaluation.tier_changed", dealer=card.dealer, old=current or "-", new=wanted)


def _apply_rebid(ctx: Ctx, card: Scorecard) -> str:
    """新增部分重新招标: next year's target is set to this year's, so the increase the policy
    would add (`target_growth`) is not this dealer's; a target already set for next year
    stays as the managers set it."""
    if Consequence.REBID_NEW_PART not in card.consequences:
        return ""
    year = card.period.year
    this, following = Period.parse(str(year)), Period.parse(str(year + 1))
    explicit = ctx.uow.targets.explicit(range(year - YEARS_BACK, year + 2), [card.dealer])
    mine = explicit.get(card.dealer, {})
    if following in mine:
        return ""
    dealer = ctx.uow.catalog.dealer(card.dealer)
    since = dealer.since if dealer is not None else None
    amount = resolve_target(this, mine, ctx.options.target_growth, since).amount
    if amount is None:
        return ""
    ctx.uow.targets.set(card.dealer, following, amount)
    ctx.audit("evaluation.rebid", f"{card.dealer} {following} {amount} (card #{card.id})")
    return ctx.t(
        "evaluation.rebid_target", dealer=card.dealer, year=year + 1, amount=ctx.t.money(amount)
    )


def on_decided(ctx: Ctx, request: Request, decision: DecisionRecord) -> str:
    """Approved: publish (once: only a card under review moves) and apply the tier;
    refused: the draft is set aside, or an appealed card stands as published."""
    card_id = request.payload.get("scorecard")
    is_appeal = "appeal" in request.payload
    # A card the job drafted has nobody to resubmit it: returned, it is set aside like a
    # rejected one and drafted again by the next run. A returned appeal is the dealer's.
    returned_to_job = request.state is State.RETURNED and request.requester.startswith("job:")
    if card_id is None or request.state is State.PENDING:
        return ""
    if request.state is State.RETURNED and not returned_to_job:
        return ""
    under_review = CardState.APPEALED if is_appeal else CardState.DRAFT
    approved = request.state is State.APPROVED
    if approved:
        moved = CardState.PUBLISHED
    else:
        moved = CardState.PUBLISHED if is_appeal else CardState.REJECTED
    if not ctx.uow.evaluation.mark(int(card_id), moved, ctx.now, expect=(under_review,)):
        return ""
    card = ctx.uow.evaluation.get(int(card_id))
    assert card is not None
    if not approved and not is_appeal:
        return ctx.t("evaluation.set_aside", id=card.id)
    tier = _apply_tier(ctx, card) if approved else ""
    rebid = _apply_rebid(ctx, card) if approved else ""
    tier = "\n".join(x for x in (tier, rebid) if x)
    if is_appeal:
        key = "evaluation.dealer_appeal_upheld" if approved else "evaluation.dealer_appeal_refused"
    else:
        key = "evaluation.dealer_published"
    told = _tell_dealer(ctx, card, key, f"evaluation:{card.id}:r{request.id}:{request.state}")
    line = ctx.t(
        "evaluation.published" if told else "evaluation.published_nobody",
        dealer=card.dealer,
        period=str(card.period),
        grade=card.grade or "-",
    )
    return line + (f"\n{tier}" if tier else "")


def install(router: Router, jobs: Jobs) -> None:
    router.approval_outcome(on_decided, Kind.SCORECARD.value)
