"""Cron strings as the config writes them: 5 crontab fields, `L` for the last day of a month."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekday(token: str) -> str:
    # crontab counts Sunday as 0 (and 7); APScheduler 3 counts Monday as 0: use names.
    return _WEEKDAYS[int(token)] if token.isdigit() and int(token) <= 7 else token


def _day_of_week(field: str) -> str:
    parts = []
    for part in field.split(","):
        step = ""
        if "/" in part:
            part, step = part.split("/", 1)
            step = "/" + step
        part = "-".join(_weekday(t) for t in part.split("-"))
        parts.append(part + step)
    return ",".join(parts)


def parse_cron(expr: str, tz: ZoneInfo) -> CronTrigger:
    """A standard 5-field crontab line; `L` as the day means the last day of the month."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron {expr!r}: expected 5 fields (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    if day.upper() == "L":
        day = "last"
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_day_of_week(weekday),
        timezone=tz,
    )
