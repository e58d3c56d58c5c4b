"""Each criterion from facts, with exact values; N/A left out of the total; band edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from domain.catalog.model import DealerCode
from domain.evaluation.criteria import score_all
from domain.evaluation.grading import adjusted, grade_for, graded, improve_first, weighted_total
from domain.evaluation.model import CardState, Criterion, Facts, NotApplicable, Score, Scorecard
from domain.evaluation.periods import previous
from domain.evaluation.rules import EvaluationRules
from domain.evaluation.services import AppealRefusal, check_appeal
from domain.shared.periods import Period

RULES = EvaluationRules()
Q3 = Period.parse("2026-Q3")

FULL = Facts(
    since=date(2020, 3, 1),
    target=D("1000000"),
    achieved=D("873456.78"),
    market_size=D("5000000"),
    market_sales=D("600000"),
    ratings=3,
    rating_sum=13,
    tickets_resolved=8,
    resolved_on_time=6,
    tickets_reopened=1,
    sales_count=200,
    violations=(("minor", 2), ("major", 1), ("severe", 1)),
    months=3,
    sales_months=3,
    stock_months=2,
)


def by_name(scores):
    return {s.criterion: s for s in scores}


def test_each_criterion_is_computed_exactly():
    s = by_name(score_all(FULL, RULES, Q3.start))
    assert (s[Criterion.SALES].value, s[Criterion.SALES].points) == (D("87.35"), D("87.35"))
    # 12% of the market against a full share of 20%: 60 points
    assert (s[Criterion.MARKET_SHARE].value, s[Criterion.MARKET_SHARE].points) == (
        D("12.00"),
        D("60.00"),
    )
    # mean rating 13 / 3 = 4.33, of 5
    assert (s[Criterion.SATISFACTION].value, s[Criterion.SATISFACTION].points) == (
        D("4.33"),
        D("86.67"),
    )
    # 75% on time, 12.5% reopened: (75 + 87.5) / 2
    assert (s[Criterion.SERVICE].value, s[Criterion.SERVICE].points) == (D("75.00"), D("81.25"))
    # 2x1 + 1x3 + 1x10 = 15 weighted per 200 sales = 7.5 per 100; 100 - 7.5 x 10 = 25
    assert (s[Criterion.COMPLIANCE].value, s[Criterion.COMPLIANCE].points) == (
        D("7.50"),
        D("25.00"),
    )
    assert (s[Criterion.REPORTING].value, s[Criterion.REPORTING].points) == (D("83.33"), D("83.33"))
    assert s[Criterion.TRAINING].missing is NotApplicable.NO_NOTICES


def test_training_is_the_share_of_notices_acknowledged_by_their_date():
    s = by_name(score_all(Facts(acknowledged=(1, 3)), RULES, Q3.start))
    assert (s[Criterion.TRAINING].value, s[Criterion.TRAINING].points) == (D("33.33"), D("33.33"))
    none_asked = by_name(score_all(Facts(acknowledged=(0, 0)), RULES, Q3.start))
    assert none_asked[Criterion.TRAINING].missing is NotApplicable.NO_NOTICES


def test_achievement_over_the_target_is_capped_at_full_points():
    s = by_name(score_all(Facts(target=D("100"), achieved=D("150")), RULES, Q3.start))
    assert (s[Criterion.SALES].value, s[Criterion.SALES].points) == (D("150.00"), D("100.00"))


def test_a_dealer_in_its_first_year_is_not_assessed_on_sales():
    new = Facts(since=date(2025, 7, 2), target=D("100"), achieved=D("10"))
    assert by_name(score_all(new, RULES, Q3.start))[Criterion.SALES].missing is (
        NotApplicable.FIRST_YEAR
    )
    a_year = Facts(since=date(2025, 7, 1), target=D("100"), achieved=D("10"))
    assert by_name(score_all(a_year, RULES, Q3.start))[Criterion.SALES].points == D("10.00")


def test_criteria_without_data_are_not_applicable_with_their_reason():
    s = by_name(score_all(Facts(months=3), RULES, Q3.start))
    assert s[Criterion.SALES].missing is NotApplicable.NO_TARGET
    assert s[Criterion.MARKET_SHARE].missing is NotApplicable.NO_MARKET_SIZE
    assert s[Criterion.SATISFACTION].missing is NotApplicable.NO_RATINGS
    assert s[Criterion.SERVICE].missing is NotApplicable.NO_TICKETS
    assert s[Criterion.COMPLIANCE].missing is NotApplicable.NO_SALES
    assert s[Criterion.REPORTING].points == D("0.00")  # the calendar always applies


def test_not_applicable_criteria_are_left_out_of_the_weighted_total():
    scores = (
        Score(Criterion.SALES, D("80"), D("80")),  # weight 30
        Score(Criterion.REPORTING, D("50"), D("50")),  # weight 10
        Score(Criterion.MARKET_SHARE, None, None, NotApplicable.NO_MARKET_SIZE),
        Score(Criterion.SATISFACTION, None, None, NotApplicable.NO_RATINGS),
    )
    # (30 x 80 + 10 x 50) / 40, not / 55 (as a 0 would count) nor with 100s
    assert weighted_total(scores, RULES) == D("72.50")
    assert weighted_total(scores[2:], RULES) is None


def test_the_full_card_total_and_grade():
    total, grade, consequences, new_tier = graded(score_all(FULL, RULES, Q3.start), "B", RULES)
    # (30x87.35 + 10x60 + 15x86.67 + 15x81.25 + 15x25 + 10x83.33) / 95
    assert total == D("73.13") and grade == "B"
    assert consequences == () and new_tier is None


def test_band_edges_are_inclusive_at_the_lowest_score():
    assert grade_for(D("85.00"), RULES) == "A" and grade_for(D("84.99"), RULES) == "B"
    assert grade_for(D("70.00"), RULES) == "B" and grade_for(D("69.99"), RULES) == "C"
    assert grade_for(D("60.00"), RULES) == "C" and grade_for(D("59.99"), RULES) == "D"
    assert grade_for(None, RULES) is None


def test_grades_propose_a_tier_move_along_the_ladder():
    top = (Score(Criterion.SALES, D("90"), D("90")),)
    bottom = (Score(Criterion.SALES, D("10"), D("10")),)
    assert graded(top, "B", RULES)[2:] == (("raise_tier",), "A")
    assert graded(top, "A", RULES)[3] is None  # already at the top
    _, grade, consequences, new_tier = graded(bottom, "B", RULES)
    assert grade == "D" and new_tier == "C"
    assert consequences == ("lower_tier", "rebid_new_part", "renewal_review")


def test_an_adjustment_keeps_the_computed_points_and_may_bring_in_a_criterion():
    scores = score_all(FULL, RULES, Q3.start)
    once = adjusted(scores, Criterion.COMPLIANCE, D("60"), "罚款已撤销")
    twice = adjusted(once, Criterion.COMPLIANCE, D("70"), "复核")
    c = by_name(twice)[Criterion.COMPLIANCE]
    assert (c.points, c.adjusted_from, c.reason) == (D("70.00"), D("25.00"), "复核")
    t = by_name(adjusted(scores, Criterion.TRAINING, D("100"), "线下培训"))[Criterion.TRAINING]
    assert t.applicable and t.missing is None


def test_what_to_improve_first_is_the_biggest_weighted_shortfall():
    assert improve_first(score_all(FULL, RULES, Q3.start), RULES) is Criterion.COMPLIANCE


def test_the_period_before():
    assert str(previous(Period.parse("2026-Q1"))) == "2025-Q4"
    assert str(previous(Period.parse("2026-Q3"))) == "2026-Q2"
    assert str(previous(Period.parse("2026"))) == "2025"
    assert str(previous(Period.parse("2026-01"))) == "2025-12"


def card(state=CardState.PUBLISHED, published=datetime(2026, 10, 2, tzinfo=UTC), appeal=""):
    return Scorecard(
        1,
        DealerCode("D001"),
        Q3,
        (),
        None,
        None,
        (),
        "A",
        None,
        state,
        1,
        published,
        published,
        appeal,
    )


def test_an_appeal_is_open_for_appeal_days_after_publication_only():
    at = datetime(2026, 10, 2, tzinfo=UTC)
    assert check_appeal(card(), at + timedelta(days=14), 14) is None
    assert check_appeal(card(), at + timedelta(days=14, seconds=1), 14) is AppealRefusal.TOO_LATE
    assert check_appeal(card(CardState.DRAFT, None), at, 14) is AppealRefusal.NOT_PUBLISHED
    assert check_appeal(card(appeal="x"), at, 14) is AppealRefusal.ALREADY


def test_rules_refuse_unknown_criteria_and_unordered_bands():
    import pytest

    with pytest.raises(ValueError, match="unknown criterion"):
        EvaluationRules(weights=(("speed", 10),)).check()
    with pytest.raises(ValueError, match="bands"):
        EvaluationRules(bands=(("A", 60), ("B", 70))).check()
    EvaluationRules().check()
