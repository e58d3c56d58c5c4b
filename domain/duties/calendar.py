"""The reporting calendar: which period a duty covers and the day it is due.

A rule is `weekly:DAY` (the period is the ISO week, Monday to Sunday, due on the first DAY
on or after its Sunday: `weekly:MON` is the next Monday, `weekly:SUN` the Sunday itself) or
`monthly:N` (the period is the calendar month, due on day N of the next month, the month's
last day when it has fewer). A duty is on time when done before the end of its due day in
the company's time zone.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Duty(StrEnum):
    SALES_REPORT = "sales_report"
    STOCK_REPORT = "stock_report"
    FINANCIAL_STATEMENTS = "financial_statements"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True, order=True)
class DutyPeriod:
    """An ISO week (`2026-W27`) or a month (`2026-07`): the span a submission covers."""

    start: date
    cadence: Cadence

    @property
    def end(self) -> date:
        if self.cadence is Cadence.WEEKLY:
            return self.start + timedelta(days=6)
        return self.start.replace(day=_month_days(self.start.year, self.start.month))

    @property
    def label(self) -> str:
        if self.cadence is Cadence.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    def __str__(self) -> str:
        return self.label

    def following(self) -> DutyPeriod:
        return DutyPeriod(self.end + timedelta(days=1), self.cadence)

    def preceding(self) -> DutyPeriod:
        return containing(self.start - timedelta(days=1), self.cadence)

    @classmethod
    def parse(cls, text: str) -> DutyPeriod:
        """`2026-W27` or `2026-07`; ValueError for anything else."""
        text = text.strip().upper()
        if m := _WEEK.match(text):
            try:
                return cls(date.fromisocalendar(int(m[1]), int(m[2]), 1), Cadence.WEEKLY)
            except ValueError:
                raise ValueError(text) from None
        if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
            return cls(date(int(m[1]), int(m[2]), 1), Cadence.MONTHLY)
        raise ValueError(text)


def containing(day: date, cadence: Cadence) -> DutyPeriod:
    if cadence is Cadence.WEEKLY:
        return DutyPeriod(day - timedelta(days=day.weekday()), cadence)
    return DutyPeriod(day.replace(day=1), cadence)


@dataclass(frozen=True, slots=True)
class Rule:
    """When one duty is due: weekly on a weekday (0 = Monday) or monthly on a day (1-31)."""

    cadence: Cadence
    day: int

    @classmethod
    def parse(cls, text: str) -> Rule:
        """`weekly:MON` … `weekly:SUN`, `monthly:1` … `monthly:31`; ValueError naming the form."""
        kind, _, when = text.strip().partition(":")
        kind, when = kind.strip().lower(), when.strip().upper()
        if kind == Cadence.WEEKLY and when in WEEKDAYS:
            return cls(Cadence.WEEKLY, WEEKDAYS.index(when))
        if kind == Cadence.MONTHLY and when.isdigit() and 1 <= int(when) <= 31:
            return cls(Cadence.MONTHLY, int(when))
        raise ValueError(f"{text!r} is not weekly:MON..SUN or monthly:1..31")

    def __str__(self) -> str:
        when = WEEKDAYS[self.day] if self.cadence is Cadence.WEEKLY else str(self.day)
        return f"{self.cadence.value}:{when}"

    def period_of(self, day: date) -> DutyPeriod:
        return containing(day, self.cadence)

    def due(self, period: DutyPeriod) -> date:
        return _due(self, period)  # a reminder run asks it for every dealer it owes

    def _due(self, period: DutyPeriod) -> date:
        if self.cadence is Cadence.WEEKLY:
            return period.end + timedelta(days=(self.day - period.end.weekday()) % 7)
        after = period.end + timedelta(days=1)
        return after.replace(day=min(self.day, _month_days(after.year, after.month)))

    def next_due(self, today: date) -> DutyPeriod:
        """The period whose due day is the first on or after `today`."""
        period = self.period_of(today).preceding().preceding()
        while self.due(period) < today:
            period = period.following()
        return period

    def last_due(self, today: date) -> DutyPeriod:
        """The latest period whose due day is before `today`."""
        return self.next_due(today).preceding()


def due_end(day: date, tz: ZoneInfo) -> datetime:
    """The instant a due day ends in the company's time zone (exclusive)."""
    return datetime.combine(day + timedelta(days=1), time(0), tz)


@dataclass(frozen=True, slots=True)
class DutyCalendar:
    """The rule of each duty, with per-tier overrides (tier -> duty -> rule)."""

    rules: tuple[tuple[Duty, Rule], ...]
    tiers: tuple[tuple[str, tuple[tuple[Duty, Rule], ...]], ...] = ()

    @classmethod
    def of(
        cls, rules: dict[str, str], tiers: dict[str, dict[str, str]] | None = None
    ) -> DutyCalendar:
        """From config text; ValueError names the duty and what is wrong."""
        return cls(_rules(rules), tuple((t, _rules(r)) for t, r in sorted((tiers or {}).items())))

    def rule(self, duty: Duty, tier: str | None = None) -> Rule:
        for name, overrides in self.tiers:
            if name == tier:
                for d, rule in overrides:
                    if d is duty:
                        return rule
        return dict(self.rules)[duty]

    @property
    def duties(self) -> tuple[Duty, ...]:
        return tuple(d for d, _ in self.rules)


def _rules(text: dict[str, str]) -> tuple[tuple[Duty, Rule], ...]:
    out = []
    for name, value in text.items():
        try:
            duty = Duty(name)
        except ValueError:
            raise ValueError(f"unknown duty {name!r} (one of {', '.join(Duty)})") from None
        try:
            out.append((duty, Rule.parse(value)))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return tuple(out)


DEFAULT_RULES = {
    Duty.SALES_REPORT.value: "weekly:MON",
    Duty.STOCK_REPORT.value: "monthly:5",
    Duty.FINANCIAL_STATEMENTS.value: "monthly:15",
}
DEFAULT_CALENDAR = DutyCalendar.of(DEFAULT_RULES)


@lru_cache(maxsize=4096)
def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@lru_cache(maxsize=4096)
def _due(rule: Rule, period: DutyPeriod) -> date:
    return rule._due(period)
