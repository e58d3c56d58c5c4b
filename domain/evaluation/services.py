"""Evaluation use cases over the port: draft a period's cards once, adjust one, appeal one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.catalog.model import DealerCode
from domain.evaluation.criteria import score_all
from domain.evaluation.grading import adjusted, graded
from domain.evaluation.model import (
    CardState,
    Criterion,
    EvaluationRepository,
    Facts,
    NewCard,
    Scorecard,
)
from domain.evaluation.rules import EvaluationRules
from domain.shared.periods import Period


def card_for(
    dealer: DealerCode, period: Period, facts: Facts, tier: str, rules: EvaluationRules
) -> NewCard:
    scores = score_all(facts, rules, period.start)
    total, grade, consequences, new_tier = graded(scores, tier, rules)
    return NewCard(dealer, period, scores, total, grade, consequences, tier, new_tier)


def draft_cards(
    repo: EvaluationRepository,
    period: Period,
    facts: Mapping[DealerCode, Facts],
    rules: EvaluationRules,
    now: datetime,
    on_new: Callable[[list[Scorecard]], None],
) -> int:
    """One card per dealer of `facts`; a dealer's card already drafted (by this run, an
    earlier one or another scheduler's) is left alone. `on_new` with the cards drafted now,
    written together."""
    done = repo.drafted(period)  # the common rerun: nothing to compute or try
    todo = sorted(d for d in facts if d not in done)
    tiers = repo.tiers(todo if len(todo) <= 500 else None)
    news = [card_for(d, period, facts[d], tiers.get(d, ""), rules) for d in todo]
    drafted = repo.add_many(news, now) if news else []
    if drafted:
        on_new(drafted)
    return len(drafted)


class AdjustRefusal(StrEnum):
    NOT_DRAFT = "not_draft"  # only a card under review may be adjusted
    NO_REASON = "no_reason"
    BAD_POINTS = "bad_points"


def adjust(
    repo: EvaluationRepository,
    card: Scorecard,
    criterion: Criterion,
    points: Decimal,
    reason: str,
    actor: str,
    now: datetime,
    rules: EvaluationRules,
) -> AdjustRefusal | None:
    """Set one criterion's points with a reason (recorded with who and when); the total,
    grade, consequences and proposed tier follow."""
    if card.state not in (CardState.DRAFT, CardState.APPEALED):
        return AdjustRefusal.NOT_DRAFT
    if not reason.strip():
        return AdjustRefusal.NO_REASON
    try:
        scores = adjusted(card.scores, criterion, points, reason.strip())
    except ValueError:
        return AdjustRefusal.BAD_POINTS
    before = card.score(criterion)
    total, grade, consequences, new_tier = graded(scores, card.tier, rules)
    note = {
        "criterion": criterion.value,
        "from": None if before is None or before.points is None else str(before.points),
        "to": str(points.quantize(Decimal("0.01"))),
        "reason": reason.strip()[:500],
        "by": actor,
        "at": now.isoformat(),
    }
    repo.revise(card, scores, total, grade, consequences, new_tier, note)
    return None


class AppealRefusal(StrEnum):
    NOT_PUBLISHED = "not_published"
    TOO_LATE = "too_late"
    ALREADY = "already"


def appeal_deadline(card: Scorecard, days: int) -> datetime | None:
    return None if card.published_at is None else card.published_at + timedelta(days=days)


def check_appeal(card: Scorecard, now: datetime, days: int) -> AppealRefusal | None:
    if card.appeal:
        return AppealRefusal.ALREADY
    if card.state is not CardState.PUBLISHED or card.published_at is None:
        return AppealRefusal.NOT_PUBLISHED
    deadline = appeal_deadline(card, days)
    if deadline is not None and now > deadline:
        return AppealRefusal.TOO_LATE
    return None
