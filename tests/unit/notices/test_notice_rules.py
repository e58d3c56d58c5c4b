"""Notice rules: audience matching, acknowledgement dates, quiz scoring and attempts."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.catalog.model import Dealer, DealerCode, DealerStatus, ProductLine, RegionCode
from domain.catalog.territory import RegionTree
from domain.notices.model import Attempt, Delivery, Question, Quiz
from domain.notices.quiz import (
    AlreadyPassed,
    Begin,
    QuizError,
    Resume,
    answer,
    next_attempt,
    passes,
    score,
)
from domain.notices.rules import (
    AckState,
    ack_state,
    audience_dealers,
    deadline_of,
    dealer_acknowledged_at,
    overdue,
    reminder_due,
)
from domain.notices.services import results_by_region, unacknowledged
from domain.promotions.model import Audience, DealerProfile

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
TREE = RegionTree(
    {
        RegionCode("CN"): None,
        RegionCode("WEST"): RegionCode("CN"),
        RegionCode("SC"): RegionCode("WEST"),
        RegionCode("SH"): RegionCode("CN"),
    }
)


def profile(code, tier, lines, regions, status=DealerStatus.ACTIVE):
    return DealerProfile(
        Dealer(DealerCode(code), code, tier=tier, since=date(2020, 1, 1), status=status),
        frozenset(ProductLine(x) for x in lines),
        tuple(RegionCode(r) for r in regions),
    )


DEALERS = [
    profile("D1", "A", ["IMG"], ["SH"]),
    profile("D2", "B", ["MON"], ["SC"]),
    profile("D3", "A", ["IMG", "MON"], ["SC"]),
    profile("D4", "A", ["IMG"], ["SC"], DealerStatus.TERMINATED),
]


def test_a_notice_without_criteria_reaches_every_active_dealer():
    assert audience_dealers(Audience(), DEALERS, TREE) == ["D1", "D2", "D3"]


def test_a_notice_for_a_parent_region_reaches_its_sub_regions_and_all_criteria_must_match():
    assert audience_dealers(Audience(regions=("WEST",)), DEALERS, TREE) == ["D2", "D3"]
    assert audience_dealers(Audience(tiers=("A",)), DEALERS, TREE) == ["D1", "D3"]
    both = Audience(lines=(ProductLine("IMG"),), regions=(RegionCode("SC"),), tiers=("A",))
    assert audience_dealers(both, DEALERS, TREE) == ["D3"]
    assert audience_dealers(Audience(lines=(ProductLine("XRAY"),)), DEALERS, TREE) == []


def test_acknowledge_by_a_date_means_by_the_end_of_that_business_day():
    due = deadline_of(date(2026, 7, 31), TZ)
    assert due == datetime(2026, 8, 1, 0, 0, tzinfo=TZ)
    assert due.astimezone(UTC) == datetime(2026, 7, 31, 16, 0, tzinfo=UTC)


def test_an_acknowledgement_before_the_date_is_on_time_and_at_it_late():
    due = datetime(2026, 8, 1, tzinfo=TZ)
    second = timedelta(seconds=1)
    assert ack_state(due, due - second, due) is AckState.ACKNOWLEDGED
    assert ack_state(due, due, due) is AckState.LATE_ACKNOWLEDGED
    assert ack_state(due, None, due - second) is AckState.PENDING
    assert ack_state(due, None, due) is AckState.OVERDUE
    assert ack_state(None, None, due + timedelta(days=400)) is AckState.PENDING
    assert ack_state(None, due, due) is AckState.ACKNOWLEDGED


def test_the_reminder_is_due_in_the_days_before_the_date_and_not_after_it():
    due = datetime(2026, 8, 1, tzinfo=TZ)
    assert not reminder_due(due, due - timedelta(days=2, seconds=1), 2)
    assert reminder_due(due, due - timedelta(days=2), 2)
    assert reminder_due(due, due - timedelta(seconds=1), 2)
    assert not reminder_due(due, due, 2)
    assert overdue(due, due) and not overdue(due, due - timedelta(seconds=1))
    assert not reminder_due(None, due, 2) and not overdue(None, due)


def test_a_contact_sent_the_notice_inside_the_reminder_window_is_not_reminded():
    due = datetime(2026, 8, 1, tzinfo=TZ)
    now = due - timedelta(hours=1)
    assert reminder_due(due, now, 2, queued_at=due - timedelta(days=3))
    assert not reminder_due(due, now, 2, queued_at=due - timedelta(days=2))
    assert not reminder_due(due, now, 0, queued_at=due - timedelta(days=3))


def delivery(dealer, identity, acked=None):
    return Delivery(1, DealerCode(dealer), identity, NOW, acked)


def test_a_dealer_has_acknowledged_when_its_first_contact_did_and_is_then_not_chased():
    later = NOW + timedelta(hours=5)
    ds = [delivery("D1", 1, later), delivery("D1", 2, NOW), delivery("D2", 3)]
    assert dealer_acknowledged_at(ds, DealerCode("D1")) == NOW
    assert dealer_acknowledged_at(ds, DealerCode("D2")) is None
    assert [d.identity_id for d in unacknowledged(ds)] == [3]


QUIZ = Quiz(
    (
        Question("q1", ("a", "b", "c"), 1),
        Question("q2", ("a", "b"), 0),
        Question("q3", ("a", "b"), 1),
        Question("q4", ("a", "b"), 1),
        Question("q5", ("a", "b"), 1),
    )
)


def test_reaching_the_pass_mark_exactly_passes_and_one_short_fails():
    assert passes(4, 5, 80) and not passes(3, 5, 80)
    assert passes(2, 3, 66) and not passes(2, 3, 67)
    assert not passes(0, 0, 0)
    assert score(QUIZ, (1, 0, 1, 1, 0)) == 4


def attempt(number, answers=(), finished=False, passed=False, identity=7):
    return Attempt(1, identity, number, tuple(answers), NOW, NOW if finished else None, 0, passed)


def test_leaving_a_quiz_half_way_and_coming_back_resumes_the_same_attempt():
    half = attempt(1, (1, 0))
    assert next_attempt([half]) == Resume(half)
    assert next_attempt([]) == Begin(1)
    failed = attempt(1, (0, 0, 0, 0, 0), finished=True)
    assert next_attempt([failed]) == Begin(2)
    second = attempt(2, (1,))
    assert next_attempt([failed, second]) == Resume(second)
    won = attempt(3, (1, 0, 1, 1, 1), finished=True, passed=True)
    assert next_attempt([failed, attempt(2, (0,) * 5, finished=True), won]) == AlreadyPassed(won)


def test_answers_are_taken_in_order_and_the_last_one_scores_the_attempt():
    a = attempt(1)
    for i, choice in enumerate((1, 0, 1, 1)):
        a = answer(QUIZ, a, i, choice, NOW, 80)
        assert not a.finished
    done = answer(QUIZ, a, 4, 0, NOW, 80)
    assert done.finished and done.correct == 4 and done.passed
    strict = answer(QUIZ, a, 4, 0, NOW, 100)
    assert strict.finished and not strict.passed


@pytest.mark.parametrize(
    ("answers", "question", "choice", "reason"),
    [
        ((1,), 0, 1, "stale"),  # the first question again: an old button or a second tap
        ((1,), 2, 1, "stale"),  # a question not asked yet
        ((1,), 1, 5, "bad_choice"),
        ((1,), 1, -1, "bad_choice"),
    ],
)
def test_an_answer_to_another_question_than_the_one_asked_is_refused(
    answers, question, choice, reason
):
    with pytest.raises(QuizError) as err:
        answer(QUIZ, attempt(1, answers), question, choice, NOW, 80)
    assert err.value.reason == reason


def test_a_finished_attempt_takes_no_more_answers():
    with pytest.raises(QuizError) as err:
        answer(QUIZ, attempt(1, (1, 0, 1, 1, 1), finished=True), 5, 0, NOW, 80)
    assert err.value.reason == "finished"


def test_results_per_region_count_dealers_acknowledged_and_quiz_passes():
    ds = [delivery("D1", 1, NOW), delivery("D1", 2), delivery("D2", 3), delivery("D3", 4)]
    attempts = [
        attempt(1, (0,) * 5, finished=True, identity=2),
        attempt(1, (1,) * 5, finished=True, passed=True, identity=3),
        attempt(1, (1,), identity=4),  # unfinished: not a taker yet
    ]
    regions = {DealerCode("D1"): ["SH"], DealerCode("D2"): ["SC"], DealerCode("D3"): ["SC"]}
    rows = {r.region: r for r in results_by_region(ds, attempts, regions)}
    assert (rows["SH"].dealers, rows["SH"].acknowledged, rows["SH"].quiz_takers) == (1, 1, 1)
    assert rows["SH"].quiz_passed == 0
    assert (rows["SC"].dealers, rows["SC"].acknowledged, rows["SC"].quiz_takers) == (2, 0, 1)
    assert rows["SC"].quiz_passed == 1
