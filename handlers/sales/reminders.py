"""report_reminder: dealer contacts whose dealer sent no sales report in the last week."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router

WINDOW_DAYS = 7  # the reporting window: a dealer reports at least once a week


def report_reminder(ctx: JobContext) -> None:
    """Remind dealer contacts with no sales report in the last 7 days (at most once a week)."""
    day = ctx.today
    since_day = day - timedelta(days=WINDOW_DAYS)
    since = datetime.combine(since_day, time(0), ctx.tz)
    reported = ctx.uow.targets.reported_since(since)
    year, week, _ = day.isocalendar()
    names = {d.code: d.name for d in ctx.uow.catalog.dealers() if d.status == "active"}
    for contact in ctx.uow.recipients.dealer_contacts():
        code = contact.dealer_code
        if code is None or code in reported or code not in names:
            continue

        def build(t: Translator, name=names[code]) -> Reply:
            return Reply(t("jobs.report_reminder", name=name, since=t.date(since_day)))

        # Subject: the dealer; period: the ISO week, so a daily run reminds once a week.
        ctx.notify(contact, f"{code}:{year}-W{week:02d}", build)


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(report_reminder, "report_reminder")
