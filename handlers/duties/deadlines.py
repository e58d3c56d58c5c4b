"""report_reminder: each duty of the reporting calendar reminded before its due day and
reported overdue after it, once each (the outbox key names duty, dealer, period, notice).

A dealer whose sales reminder comes in a quiet period answers with its 本期无销售 button,
which files a nil report, and is not chased for that period again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from domain.catalog.model import DealerCode
from domain.duties.calendar import Duty, DutyPeriod
from domain.duties.services import LISTED_DEALERS, Owed, owed_notices
from domain.duties.standing import Notice
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Button, Reply
from handlers.core.notifier import Build
from handlers.core.router import Router


def nil_button(t: Translator, period: DutyPeriod) -> Button:
    return Button(t("duties.nil_button"), f"c:duties nil {period.label}")


def duty_notice(t: Translator, owed: Owed) -> Reply:
    """The dealer's reminder or overdue notice, with how to do the duty."""
    text = t(
        f"duties.{owed.notice.value}",
        name=owed.dealer.name,
        duty=t(f"duties.duty.{owed.duty.value}"),
        period=owed.period.label,
        due=t.date(owed.rule.due(owed.period)),
    )
    how = t(f"duties.how.{owed.duty.value}")
    if owed.duty is Duty.SALES_REPORT:
        return Reply(f"{text}\n{how}", ((nil_button(t, owed.period),),))
    return Reply(f"{text}\n{how}")


def owed_now(ctx: JobContext) -> list[Owed]:
    """The notices today's run owes the active dealers."""
    dealers = [d for d in ctx.uow.catalog.dealers() if d.status == "active"]
    calendar, days = ctx.options.duty_calendar, ctx.options.duty_remind_days
    return owed_notices(ctx.uow.duties, calendar, dealers, ctx.today, days)


def report_reminder(ctx: JobContext) -> None:
    """Duties due soon -> the dealer; overdue -> the dealer and its managers (once each)."""
    owed = owed_now(ctx)
    contacts: dict[DealerCode, list[Actor]] = defaultdict(list)
    owing = {o.dealer.code for o in owed}
    listed = sorted(owing) if len(owing) <= LISTED_DEALERS else None  # else every contact
    for contact in ctx.uow.recipients.dealer_contacts(listed):
        if contact.dealer_code in owing:
            contacts[contact.dealer_code].append(contact)
    messages: list[tuple[Actor, str, Build]] = []
    # By due day too: tiers with rules of their own may owe one period on different days.
    late: dict[tuple[Duty, DutyPeriod, date], list[Owed]] = defaultdict(list)
    for item in owed:
        key = f"{item.duty.value}:{item.dealer.code}:{item.period.label}:{item.notice.value}"
        for contact in contacts[item.dealer.code]:
            messages.append((contact, key, lambda t, item=item: duty_notice(t, item)))
        if item.notice is Notice.OVERDUE:
            late[(item.duty, item.period, item.rule.due(item.period))].append(item)
    if late:
        messages += _to_managers(ctx, late)
    ctx.notify_all(messages)


def _to_managers(
    ctx: JobContext, late: dict[tuple[Duty, DutyPeriod, date], list[Owed]]
) -> list[tuple[Actor, str, Build]]:
    """One notice per manager (and admin) per duty and period, naming the late dealers they
    see (their Scope, as `/duties` shows them): one dealer query per linked manager."""
    messages: list[tuple[Actor, str, Build]] = []
    # Where each late dealer stands in its list: a manager's share is read off their own
    # dealers, not found by testing every late dealer against every manager.
    places = {key: {o.dealer.code: i for i, o in enumerate(items)} for key, items in late.items()}
    for manager in ctx.uow.recipients.managers():
        seen = ctx.visible_dealers(Scope.of(manager))
        for (duty, period, due), items in late.items():
            if seen is None:
                theirs = items
            else:
                at = places[(duty, period, due)]
                theirs = [items[i] for i in sorted(at[c] for c in seen if c in at)]
            if not theirs:
                continue

            def build(t: Translator, duty=duty, period=period, due=due, theirs=theirs) -> Reply:
                lines = [
                    t(
                        "duties.overdue_managers",
                        duty=t(f"duties.duty.{duty.value}"),
                        period=period.label,
                        due=t.date(due),
                        count=len(theirs),
                    )
                ]
                lines += [f"• {o.dealer.code} {o.dealer.name}" for o in theirs]
                return Reply("\n".join(lines))

            key = f"{duty.value}:{period.label}:{due.isoformat()}:overdue:managers"
            messages.append((manager, key, build))
    return messages


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(report_reminder, "report_reminder")
