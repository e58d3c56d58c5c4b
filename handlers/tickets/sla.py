"""The complaint_sla job: warn before a ticket's due time, escalate once it is overdue; and
the SLA policy the config sets for every ticket."""

from __future__ import annotations

from datetime import datetime

from domain.shared.ports import UnitOfWork
from domain.tickets.model import Ticket
from domain.tickets.services import sla_round
from domain.tickets.sla import SlaAlert, SlaPolicy
from handlers.core.context import CoreOptions
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.notifier import Notifier
from handlers.core.router import Router
from handlers.tickets.texts import summary


def sla_policy(options: CoreOptions) -> SlaPolicy:
    return SlaPolicy(
        default_hours=options.complaint_sla_hours,
        by_category=dict(options.complaint_sla_by_category),
        by_urgency=dict(options.complaint_sla_by_urgency),
        warn_fraction=options.complaint_sla_warn_fraction,
        warn_hours=options.complaint_sla_warn_hours,
    )


def run_complaint_sla(uow: UnitOfWork, now: datetime, options: CoreOptions) -> int:
    """Queue SLA alerts for every open ticket; returns the number of messages queued.

    Which alerts are due and to whom is `domain.tickets.services.sla_round`; the outbox keys
    `complaint_sla:<near|overdue>:<ticket>` guard reruns. Runs inside the caller's unit of
    work: the caller commits.
    """
    notifier = Notifier(uow.outbox, lambda: now, options.default_locale)
    queued = 0
    for notice in sla_round(uow, now, sla_policy(options)):
        for person, escalated in notice.recipients:
            build = _alert(notice.ticket, notice.alert, escalated, now, options)
            queued += notifier.notify(person, notice.dedupe_key, build)
    return queued


def _alert(ticket: Ticket, alert: SlaAlert, escalated: bool, now: datetime, options):
    def build(t: Translator) -> Reply:
        hours = round(abs((ticket.due_at - now).total_seconds()) / 3600, 1)
        key = "tickets.sla.escalated" if escalated else f"tickets.sla.{alert.value}"
        return Reply(
            t(
                key,
                number=ticket.number,
                hours=t.number(hours),
                summary=summary(t, ticket, options),
            ),
            ((Button(t("tickets.button.details"), f"c:ticket {ticket.id}"),),),
        )

    return build


def install(router: Router, jobs: Jobs) -> None:
    jobs.add_counting(run_complaint_sla, "complaint_sla")
