"""Where a dealer stands on one duty of one period, and what the reminder job owes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.duties.calendar import Duty, DutyPeriod, Rule, due_end


class State(StrEnum):
    ON_TIME = "on_time"  # done before its due day ended
    LATE = "late"  # done, after its due day
    OPEN = "open"  # not done, not due yet
    OVERDUE = "overdue"  # not done and its due day is over


class Notice(StrEnum):
    REMIND = "remind"  # `remind_days` before the due day, while not done
    OVERDUE = "overdue"  # after the due day, while not done


@dataclass(frozen=True, slots=True)
class Standing:
    duty: Duty
    period: DutyPeriod
    due: date
    done_at: datetime | None
    state: State


def state_of(due: date, done_at: datetime | None, now: datetime, tz: ZoneInfo) -> State:
    end = due_end(due, tz)
    if done_at is not None:
        return State.ON_TIME if done_at < end else State.LATE
    return State.OPEN if now < end else State.OVERDUE


def standing(
    duty: Duty, rule: Rule, period: DutyPeriod, done_at: datetime | None, now: datetime, tz
) -> Standing:
    due = rule.due(period)
    return Standing(duty, period, due, done_at, state_of(due, done_at, now, tz))


def notices_due(rule: Rule, today: date, remind_days: int) -> list[tuple[DutyPeriod, Notice]]:
    """The notices a run on `today` may owe for one rule (each sent only if not done):
    the reminder of the period due next, once within `remind_days` of its due day, and the
    overdue notice of the period whose due day passed last."""
    owed = [(rule.last_due(today), Notice.OVERDUE)]
    upcoming = rule.next_due(today)
    if rule.due(upcoming) - timedelta(days=remind_days) <= today:
        owed.append((upcoming, Notice.REMIND))
    return owed


def recent_periods(rule: Rule, today: date, count: int) -> list[DutyPeriod]:
    """The period due next and the `count - 1` before it, newest first."""
    period = rule.next_due(today)
    out = [period]
    while len(out) < count:
        period = period.preceding()
        out.append(period)
    return out
