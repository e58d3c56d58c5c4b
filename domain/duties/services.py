"""Duty standings read in bulk: a dealer's recent periods, who is late, a month's due duties."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.catalog.model import Dealer, DealerCode
from domain.duties.calendar import Duty, DutyCalendar, DutyPeriod, Rule
from domain.duties.model import DutyRepository, Figures, Source, Statement
from domain.duties.standing import (
    Notice,
    Standing,
    State,
    notices_due,
    recent_periods,
    standing,
)


def _by_rule(
    calendar: DutyCalendar, duty: Duty, dealers: Sequence[Dealer]
) -> dict[Rule, list[Dealer]]:
    groups: dict[Rule, list[Dealer]] = defaultdict(list)
    for dealer in dealers:
        groups[calendar.rule(duty, dealer.tier or None)].append(dealer)
    return groups


def _bound(dealer: Dealer, period: DutyPeriod) -> bool:
    """A dealer that started cooperating after a period owes nothing for it."""
    return dealer.since is None or dealer.since <= period.end


@dataclass(frozen=True, slots=True)
class Owed:
    """A notice a reminder run owes: the duty of `period` is not done."""

    dealer: Dealer
    duty: Duty
    period: DutyPeriod
    rule: Rule
    notice: Notice


LISTED_DEALERS = 1000  # past this, a query reads every dealer's rows, not a list of codes


def owed_notices(
    duties: DutyRepository,
    calendar: DutyCalendar,
    dealers: Sequence[Dealer],
    today: date,
    remind_days: int,
) -> list[Owed]:
    """Every (dealer, duty, period, notice) not done that a run on `today` owes, in one
    query per duty, rule and period."""
    owed: list[Owed] = []
    for duty in calendar.duties:
        for rule, members in _by_rule(calendar, duty, dealers).items():
            for period, notice in notices_due(rule, today, remind_days):
                bound = [d for d in members if _bound(d, period)]
                if not bound:
                    continue
                # Many dealers: read every one's filing rather than list 10,000 codes.
                codes = [d.code for d in bound] if len(bound) <= LISTED_DEALERS else None
                done = duties.done_at(duty, period, rule.due(period), codes)
                owed += [Owed(d, duty, period, rule, notice) for d in bound if d.code not in done]
    return owed


def dealer_standings(
    duties: DutyRepository,
    calendar: DutyCalendar,
    dealer: Dealer,
    now: datetime,
    tz: ZoneInfo,
    count: int = 3,
) -> dict[Duty, list[Standing]]:
    """Each duty's period due next and the `count - 1` before it, newest first."""
    today = now.astimezone(tz).date()
    out: dict[Duty, list[Standing]] = {}
    for duty in calendar.duties:
        rule = calendar.rule(duty, dealer.tier or None)
        rows = []
        for period in recent_periods(rule, today, count):
            if not _bound(dealer, period):
                break
            done = duties.done_at(duty, period, rule.due(period), [dealer.code])
            rows.append(standing(duty, rule, period, done.get(dealer.code), now, tz))
        out[duty] = rows
    return out


def late_dealers(
    duties: DutyRepository,
    calendar: DutyCalendar,
    dealers: Sequence[Dealer],
    now: datetime,
    tz: ZoneInfo,
) -> list[tuple[Dealer, Standing]]:
    """For each duty's period due last, the dealers overdue on it or done after its due
    day, by duty then dealer code."""
    today = now.astimezone(tz).date()
    found: list[tuple[Dealer, Standing]] = []
    for duty in calendar.duties:
        for rule, members in _by_rule(calendar, duty, dealers).items():
            period = rule.last_due(today)
            bound = [d for d in members if _bound(d, period)]
            if not bound:
                continue
            done = duties.done_at(duty, period, rule.due(period), [d.code for d in bound])
            for dealer in bound:
                s = standing(duty, rule, period, done.get(dealer.code), now, tz)
                if s.state in (State.OVERDUE, State.LATE):
                    found.append((dealer, s))
    order = {d: i for i, d in enumerate(calendar.duties)}
    return sorted(found, key=lambda x: (order[x[1].duty], x[0].code))


def due_between(
    duties: DutyRepository,
    calendar: DutyCalendar,
    dealers: Sequence[Dealer],
    first: date,
    last: date,
    now: datetime,
    tz: ZoneInfo,
) -> list[tuple[Dealer, Standing]]:
    """Every duty period whose due day falls in [first, last], per dealer bound to it."""
    found: list[tuple[Dealer, Standing]] = []
    for duty in calendar.duties:
        for rule, members in _by_rule(calendar, duty, dealers).items():
            period = rule.next_due(first)
            while rule.due(period) <= last:
                bound = [d for d in members if _bound(d, period)]
                if bound:
                    codes = [d.code for d in bound] if len(bound) <= LISTED_DEALERS else None
                    done = duties.done_at(duty, period, rule.due(period), codes)
                    found += [
                        (d, standing(duty, rule, period, done.get(d.code), now, tz)) for d in bound
                    ]
                period = period.following()
    order = {d: i for i, d in enumerate(calendar.duties)}
    return sorted(found, key=lambda x: (x[0].code, order[x[1].duty], x[1].period))


def file_statement(
    duties: DutyRepository,
    dealer: DealerCode,
    period: DutyPeriod,
    figures: Figures,
    source: Source,
    file_name: str,
    now: datetime,
    by: str,
) -> tuple[Statement, Statement | None]:
    """Store the month's statement as its next version; returns it and the one it replaces."""
    earlier = duties.statement(dealer, period.label)
    version = earlier.version + 1 if earlier else 1
    statement = Statement(dealer, period.label, version, figures, source, file_name, now, by)
    duties.add_statement(statement)
    return statement, earlier
