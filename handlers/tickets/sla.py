"""The complaint_sla job's work: warn before a ticket's due time, escalate once it is overdue."""

from __future__ import annotations

from datetime import datetime

from domain.shared.ports import UnitOfWork
from domain.tickets.model import Ticket
from domain.tickets.sla import SlaAlert, sla_alert_due, sla_dedupe_key
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.options import CoreOptions
from handlers.core.router import Router
from handlers.tickets.recipients import (
    escalation_of,
    handlers_of,
    queue,
    sla_policy,
    unique_chats,
)
from handlers.tickets.texts import summary


def run_complaint_sla(uow: UnitOfWork, now: datetime, options: CoreOptions) -> int:
    """Queue SLA alerts for every open ticket; returns the number of messages queued.

    Near its due time (a share of the SLA elapsed, or a few hours left) the assignee is
    warned; once overdue the assignee is told and the region's sales manager gets the
    escalation. Each alert goes out once per ticket (and again only after a reopen): the
    ticket remembers it, and the outbox keys `complaint_sla:<near|overdue>:<ticket>` guard
    reruns. Runs inside the caller's unit of work: the caller commits.
    """
    sla = sla_policy(options)
    queued = 0
    for ticket in uow.tickets.due_for_sla(now, sla.horizon(now)):
        alert = sla_alert_due(ticket, now, sla)
        if alert is None:
            continue
        key = sla_dedupe_key(ticket, alert)
        workers = handlers_of(uow, ticket)
        if alert is SlaAlert.NEAR:
            recipients = workers
            ticket.near_alerted_at = now
        else:
            recipients = unique_chats(workers + escalation_of(uow, ticket))
            ticket.overdue_alerted_at = now
            ticket.near_alerted_at = ticket.near_alerted_at or now  # no "near" after overdue
        for person in recipients:
            escalated = alert is SlaAlert.OVERDUE and person not in workers
            build = _alert(ticket, alert, escalated, now, options)
            queued += queue(uow, person, key, build, now, options)
        uow.tickets.save(ticket)
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
