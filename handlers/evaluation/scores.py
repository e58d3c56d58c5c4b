"""score: a dealer's published scorecard with a chart against the last period (managers:
`/score DEALER [PERIOD]`, any state); scores: a period's ranking with grade counts."""

from __future__ import annotations

from collections import Counter

from domain.catalog.model import DealerCode, RegionCode
from domain.evaluation.model import CardState, Scorecard
from domain.evaluation.periods import previous
from domain.evaluation.rules import LOWEST_GRADE
from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.core.registry import DEALER, MANAGER, require
from handlers.core.router import Router
from handlers.evaluation.asked import last_quarter, parse_period
from handlers.evaluation.signoff import adjust_card, appeal
from handlers.evaluation.texts import card_text, points_text

SEEN_BY_DEALER = (CardState.PUBLISHED, CardState.APPEALED)
RANKING_LINES = 30
APPEAL_WORDS = ("appeal", "申诉")
ADJUST_WORDS = ("adjust", "调整")


def card_reply(ctx: Ctx, card: Scorecard, *, for_dealer: bool) -> Reply:
    before = ctx.uow.evaluation.of(card.dealer, previous(card.period))
    if for_dealer and before is not None and before.state not in SEEN_BY_DEALER:
        before = None
    record = ctx.uow.catalog.dealer(card.dealer)
    name = record.name if record else card.dealer
    rules = ctx.options.evaluation
    text = card_text(ctx.t, card, name, before, rules, for_dealer=for_dealer)
    if for_dealer and card.state is CardState.PUBLISHED and not card.appeal:
        text += "\n" + ctx.t("evaluation.appeal_hint", days=rules.appeal_days, period=card.period)
    from handlers.evaluation.charts import criteria_chart  # matplotlib on the first chart only

    png = criteria_chart(card, before, ctx.t)
    return Reply(text, image=Attachment(f"score-{card.dealer}-{card.period}.png", png, "image/png"))


def score(ctx: Ctx) -> Reply:
    """Your scorecard: criteria, points, grade, change since last period, what to improve."""
    args = ctx.args
    if args and args[0].lower() in APPEAL_WORDS:
        return appeal(ctx, args[1:])
    adjusting = len(args) > 2 and args[2].lower() in ADJUST_WORDS
    if adjusting:
        require(ctx, "score", "adjust")
    if ctx.actor.role is Role.DEALER:
        period = parse_period(args[0]) if args else last_quarter(ctx)
        card = ctx.uow.evaluation.of(ctx.require_dealer(), period)
        if card is None or card.state not in SEEN_BY_DEALER:
            return Reply(ctx.t("evaluation.none_published", period=str(period)))
        return card_reply(ctx, card, for_dealer=True)
    if not args:
        raise UserError("evaluation.score_usage")
    dealer = DealerCode(args[0].upper()[:40])
    ctx.check_dealer(dealer)
    period = parse_period(args[1]) if len(args) > 1 else last_quarter(ctx)
    card = ctx.uow.evaluation.of(dealer, period)
    if card is None:
        return Reply(ctx.t("evaluation.none_drafted", dealer=dealer, period=str(period)))
    if adjusting:
        return adjust_card(ctx, card, args[3:])
    return card_reply(ctx, card, for_dealer=False)


def _visible(ctx: Ctx, region: str | None) -> set[DealerCode] | None:
    """The dealers the ranking shows (None: every one, an admin's without a region)."""
    seen = None if ctx.actor.is_admin else set(ctx.scoped_dealers())
    if region is None:
        return seen
    found = ctx.uow.catalog.region(RegionCode(region.upper()[:40]))
    if found is None:
        raise UserError("evaluation.unknown_region", region=region[:40])
    inside = set(ctx.uow.catalog.dealers_in_regions((found.code,), ctx.actor.lines))
    return inside if seen is None else inside & seen


def scores(ctx: Ctx) -> Reply:
    """A period's scorecards ranked by total, grade counts and a chart: [PERIOD] [REGION]."""
    args = list(ctx.args)
    period = parse_period(args.pop(0)) if args and args[0][:1].isdigit() else last_quarter(ctx)
    wanted = _visible(ctx, args[0] if args else None)
    cards = [
        c
        for c in ctx.uow.evaluation.of_period(period)
        if (wanted is None or c.dealer in wanted) and c.state is not CardState.REJECTED
    ]
    t = ctx.t
    if not cards:
        return Reply(t("evaluation.ranking_none", period=str(period)))
    cards.sort(key=lambda c: (c.total is None, -(c.total or 0), c.dealer))
    counts = Counter(c.grade or "-" for c in cards)
    grades = [g for g, _ in ctx.options.evaluation.bands] + [LOWEST_GRADE]
    count_text = " · ".join(f"{g} {counts.get(g, 0)}" for g in grades)
    if counts.get("-"):
        count_text += " · " + t("evaluation.ungraded", count=counts["-"])
    lines = [t("evaluation.ranking_title", period=str(period), count=len(cards), grades=count_text)]
    for rank, c in enumerate(cards[:RANKING_LINES], start=1):
        lines.append(
            t(
                "evaluation.ranking_line",
                rank=rank,
                dealer=c.dealer,
                total=points_text(c.total),
                grade=c.grade or "-",
                state=t(f"evaluation.state.{c.state.value}"),
            )
        )
    if len(cards) > RANKING_LINES:
        lines.append(t("evaluation.more", count=len(cards) - RANKING_LINES))
    from handlers.evaluation.charts import ranking_chart

    png = ranking_chart(cards, t)
    return Reply(
        "\n".join(lines),
        buttons=button_rows([Button(t("evaluation.export_button"), f"c:export scores {period}")]),
        image=Attachment(f"scores-{period}.png", png, "image/png"),
    )


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        score,
        "score",
        roles=DEALER | MANAGER,
        example="/score 2026-Q3",
        aliases=("考核结果", "评分"),
        actions={"adjust": MANAGER, "appeal": DEALER},
    )
    router.command(
        scores, "scores", roles=MANAGER, example="/scores 2026-Q3", aliases=("考核排名",)
    )
