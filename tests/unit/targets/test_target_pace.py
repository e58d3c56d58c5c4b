from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.cron import parse_cron
from bot.scheduler import previous_fire
from domain.catalog.model import DealerCode
from domain.shared.periods import Period
from domain.targets.achievement import Standing, ranked
from domain.targets.model import TargetDecision, TargetSource
from domain.targets.resolution import resolve_target

GROWTH = Decimal("0.30")
JULY = Period.parse("2026-07")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def standing(achieved: str, today: date, target: str = "31000", assessed: bool = True):
    decision = TargetDecision(Decimal(target), TargetSource.SET, assessed)
    return Standing(DealerCode("D001"), "华西医疗", JULY, decision, Decimal(achieved), today)


def test_mid_month_pace_expects_the_elapsed_share_of_the_target():
    s = standing("10000", date(2026, 7, 17))
    assert s.elapsed_days == 17
    assert s.expected == Decimal("17000.00")
    assert s.behind
    assert s.percent == Decimal("0.3226")
    # 21,000 left over 15 days (17th..31st): 9,800 a week.
    assert s.days_left == 15
    assert s.weekly_needed == Decimal("9800.00")


def test_on_the_last_day_the_whole_target_is_expected_and_all_of_the_rest_is_needed():
    s = standing("30999.99", date(2026, 7, 31))
    assert s.expected == Decimal("31000.00")
    assert s.behind
    assert s.days_left == 1
    assert s.weekly_needed == Decimal("0.01")
    assert not standing("31000", date(2026, 7, 31)).behind


def test_a_dealer_ahead_of_pace_is_not_behind_and_needs_nothing_more_once_done():
    assert not standing("17000", date(2026, 7, 17)).behind
    done = standing("40000", date(2026, 7, 17))
    assert done.remaining == 0 and done.weekly_needed == 0


def test_first_year_dealer_is_shown_but_not_assessed():
    decision = resolve_target(JULY, {JULY: Decimal("31000")}, GROWTH, date(2026, 2, 1))
    assert decision.amount == Decimal("31000") and not decision.assessed
    s = Standing(DealerCode("D002"), "申城器械", JULY, decision, Decimal(0), date(2026, 7, 17))
    assert not s.behind
    assert resolve_target(JULY, {}, GROWTH, date(2025, 7, 1)).assessed  # anniversary passed


def test_next_years_target_defaults_to_this_years_plus_thirty_percent():
    explicit = {Period.parse("2025"): Decimal("100000.00")}
    decision = resolve_target(Period.parse("2026"), explicit, GROWTH, date(2020, 3, 1))
    assert decision.amount == Decimal("130000.00")
    assert decision.source is TargetSource.GROWTH
    two_back = {Period.parse("2024"): Decimal("100000.00")}
    assert resolve_target(Period.parse("2026"), two_back, GROWTH, None).amount == Decimal(
        "169000.00"
    )
    explicit[Period.parse("2026")] = Decimal("120000.00")
    set_one = resolve_target(Period.parse("2026"), explicit, GROWTH, None)
    assert set_one.amount == Decimal("120000.00") and set_one.source is TargetSource.SET


def test_quarter_and_year_targets_roll_up_from_their_parts_when_all_are_set():
    months = {Period.parse(f"2026-{m:02d}"): Decimal("10000") for m in range(7, 10)}
    q3 = resolve_target(Period.parse("2026-Q3"), months, GROWTH, None)
    assert q3.amount == Decimal("30000") and q3.source is TargetSource.ROLLUP
    quarters = {Period.parse(f"2026-Q{q}"): Decimal("25000") for q in range(1, 5)}
    assert resolve_target(Period.parse("2026"), quarters, GROWTH, None).amount == Decimal("100000")
    partial = {Period.parse("2026-Q1"): Decimal("25000")}
    assert resolve_target(Period.parse("2026"), partial, GROWTH, None).amount is None


def test_ranking_puts_the_best_pace_first_and_unassessed_dealers_last():
    today = date(2026, 7, 17)
    a = standing("17000", today)
    b = Standing(DealerCode("D003"), "x", JULY, a.target, Decimal("5000"), today)
    c = standing("99999", today, assessed=False)
    assert [s.achieved for s in ranked([b, c, a])] == [
        Decimal("17000"),
        Decimal("5000"),
        Decimal("99999"),
    ]


def test_month_end_cron_fires_on_the_last_day_and_weekday_numbers_follow_crontab():
    month_end = parse_cron("0 18 L * *", SHANGHAI)
    now = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
    assert previous_fire(month_end, now) == datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    sunday = parse_cron("0 9 * * 0", SHANGHAI)
    assert previous_fire(sunday, now).astimezone(SHANGHAI).weekday() == 6
    monday = parse_cron("0 9 * * 1", SHANGHAI)
    assert previous_fire(monday, now).astimezone(SHANGHAI) == datetime(
        2026, 7, 13, 9, 0, tzinfo=SHANGHAI
    )
