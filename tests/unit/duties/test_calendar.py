"""The reporting calendar: periods and due days across week, month and year edges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.duties.calendar import (
    DEFAULT_CALENDAR,
    Duty,
    DutyCalendar,
    DutyPeriod,
    Rule,
    due_end,
)
from domain.duties.standing import Notice, State, notices_due, recent_periods, state_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKLY_MON = Rule.parse("weekly:MON")
MONTHLY_5 = Rule.parse("monthly:5")


def test_a_weekly_monday_rule_makes_the_iso_week_due_the_next_monday():
    week = WEEKLY_MON.period_of(date(2026, 7, 8))  # a Wednesday
    assert week.label == "2026-W28" and week.start == date(2026, 7, 6)
    assert week.end == date(2026, 7, 12)
    assert WEEKLY_MON.due(week) == date(2026, 7, 13)


def test_a_weekly_sunday_rule_is_due_on_the_weeks_own_last_day():
    week = DutyPeriod.parse("2026-W28")
    assert Rule.parse("weekly:SUN").due(week) == date(2026, 7, 12)
    assert Rule.parse("weekly:fri").due(week) == date(2026, 7, 17)


def test_the_week_spanning_new_year_is_named_by_its_iso_year():
    week = WEEKLY_MON.period_of(date(2026, 1, 1))
    assert week.label == "2026-W01" and week.start == date(2025, 12, 29)
    assert WEEKLY_MON.period_of(date(2027, 1, 1)).label == "2026-W53"
    assert DutyPeriod.parse("2026-W53").following().label == "2027-W01"


def test_a_monthly_rule_is_due_on_that_day_of_the_next_month_or_its_last_day():
    assert MONTHLY_5.due(DutyPeriod.parse("2026-12")) == date(2027, 1, 5)
    assert Rule.parse("monthly:31").due(DutyPeriod.parse("2026-01")) == date(2026, 2, 28)
    assert Rule.parse("monthly:31").due(DutyPeriod.parse("2027-12")) == date(2028, 1, 31)


def test_the_period_due_next_changes_the_day_after_the_due_day():
    assert MONTHLY_5.next_due(date(2026, 8, 5)).label == "2026-07"
    assert MONTHLY_5.next_due(date(2026, 8, 6)).label == "2026-08"
    assert MONTHLY_5.last_due(date(2026, 8, 6)).label == "2026-07"
    assert WEEKLY_MON.next_due(date(2026, 7, 13)).label == "2026-W28"
    assert WEEKLY_MON.next_due(date(2026, 7, 14)).label == "2026-W29"
    assert WEEKLY_MON.last_due(date(2026, 7, 13)).label == "2026-W27"


def test_on_time_means_before_the_due_day_ends_in_the_company_time_zone():
    due = date(2026, 7, 13)
    # 23:30 in Shanghai on the due day is 15:30 UTC: on time; 00:30 the next day is late.
    assert (
        state_of(due, datetime(2026, 7, 13, 15, 30, tzinfo=UTC), due_end(due, SHANGHAI), SHANGHAI)
        is State.ON_TIME
    )
    assert (
        state_of(due, datetime(2026, 7, 13, 16, 30, tzinfo=UTC), due_end(due, SHANGHAI), SHANGHAI)
        is State.LATE
    )
    # Read in UTC the same moment would still be the due day: the zone decides.
    assert (
        state_of(due, datetime(2026, 7, 13, 16, 30, tzinfo=UTC), due_end(due, UTC), UTC)
        is State.ON_TIME
    )


def test_not_done_is_open_until_the_due_day_ends_then_overdue():
    due = date(2026, 7, 13)
    assert state_of(due, None, datetime(2026, 7, 13, 15, 59, tzinfo=UTC), SHANGHAI) is State.OPEN
    assert state_of(due, None, datetime(2026, 7, 13, 16, 0, tzinfo=UTC), SHANGHAI) is State.OVERDUE


def test_a_reminder_is_owed_from_remind_days_before_the_due_day_and_the_overdue_after_it():
    # W28 is due Monday 13 July; two days before is Saturday 11 July.
    assert notices_due(WEEKLY_MON, date(2026, 7, 10), 2) == [
        (DutyPeriod.parse("2026-W27"), Notice.OVERDUE)
    ]
    owed = notices_due(WEEKLY_MON, date(2026, 7, 11), 2)
    assert (DutyPeriod.parse("2026-W28"), Notice.REMIND) in owed
    assert (DutyPeriod.parse("2026-W28"), Notice.OVERDUE) in notices_due(
        WEEKLY_MON, date(2026, 7, 14), 2
    )


def test_recent_periods_go_back_from_the_one_due_next():
    labels = [p.label for p in recent_periods(MONTHLY_5, date(2026, 3, 2), 3)]
    assert labels == ["2026-02", "2026-01", "2025-12"]


def test_a_tier_override_replaces_only_the_duties_it_names():
    cal = DutyCalendar.of(
        {"sales_report": "weekly:MON", "stock_report": "monthly:5"},
        {"A": {"sales_report": "weekly:FRI"}},
    )
    assert str(cal.rule(Duty.SALES_REPORT, "A")) == "weekly:FRI"
    assert str(cal.rule(Duty.SALES_REPORT, "B")) == "weekly:MON"
    assert str(cal.rule(Duty.STOCK_REPORT, "A")) == "monthly:5"
    with pytest.raises(KeyError):
        cal.rule(Duty.FINANCIAL_STATEMENTS, "A")  # not configured at all


@pytest.mark.parametrize(
    "text", ["weekly:MONDAY", "monthly:0", "monthly:32", "daily:1", "weekly", ""]
)
def test_a_rule_that_is_not_weekly_day_or_monthly_n_is_refused(text):
    with pytest.raises(ValueError):
        Rule.parse(text)


def test_an_unknown_duty_is_refused_naming_it():
    with pytest.raises(ValueError, match="visits"):
        DutyCalendar.of({"visits": "weekly:MON"})


def test_the_default_calendar_is_the_policys():
    assert str(DEFAULT_CALENDAR.rule(Duty.SALES_REPORT)) == "weekly:MON"
    assert str(DEFAULT_CALENDAR.rule(Duty.STOCK_REPORT)) == "monthly:5"
    assert str(DEFAULT_CALENDAR.rule(Duty.FINANCIAL_STATEMENTS)) == "monthly:15"


@pytest.mark.parametrize("text", ["2026-W54", "2026-13", "2026-7", "W28"])
def test_a_period_that_names_no_week_or_month_is_refused(text):
    with pytest.raises(ValueError):
        DutyPeriod.parse(text)
