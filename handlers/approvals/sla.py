"""The approval_sla job: remind a step's approvers, escalate to the admins, then expire."""

from __future__ import annotations

from datetime import datetime

from domain.approvals.rules import Sla, SlaAction, sla_dedupe_key, sla_due
from domain.approvals.services import ApprovalRefused, expire
from domain.shared.ports import AuditEntry, UnitOfWork
from handlers.approvals.people import admins_of, namer, requester_chats, step_approvers
from handlers.approvals.texts import approver_card, card_text
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.notifier import Notifier
from handlers.core.options import CoreOptions
from handlers.core.router import Router


def _queue(notifier: Notifier, person, key: str, build) -> int:
    return int(notifier.notify(person, key, build))


def run_approval_sla(uow: UnitOfWork, now: datetime, options: CoreOptions) -> int:
    """Remind, escalate or expire undecided approval steps; returns messages queued.

    Each action happens once per request and step: the request remembers the last step
    reminded and escalated, and the outbox keys `approval_sla:<action>:<request>:<step>`
    guard reruns. Runs inside the caller's unit of work: the caller commits.
    """
    sla = Sla(options.approval_sla_hours, options.approval_remind_fraction)
    notifier = Notifier(uow.outbox, lambda: now, options.default_locale)
    names = namer(uow)
    queued = 0
    for request in uow.approvals.pending():
        action = sla_due(request, now, sla)
        if action is None:
            continue
        key = sla_dedupe_key(request, action)
        if action is SlaAction.REMIND:
            for person in step_approvers(uow, request):
                queued += _queue(notifier, person, key, lambda t, r=request: _reminder(t, r, names))
            uow.approvals.mark_alerts(
                request, reminded=request.step, escalated=request.escalated_step
            )
        elif action is SlaAction.ESCALATE:
            for person in admins_of(uow, request):
                queued += _queue(
                    notifier, person, key, lambda t, r=request: _escalated(t, r, names)
                )
            uow.approvals.mark_alerts(request, reminded=request.step, escalated=request.step)
        else:
            try:
                outcome = expire(uow.approvals, request, now, key)
            except ApprovalRefused:
                continue  # decided meanwhile
            uow.audit.record(
                AuditEntry(
                    now,
                    "job",
                    "approval_sla",
                    "job:approval_sla",
                    "approval.expire",
                    f"#{request.id}",
                )
            )
            for chat in requester_chats(uow, outcome.request):
                queued += _queue(
                    notifier,
                    chat,
                    key,
                    lambda t, r=outcome.request: Reply(
                        t("approval.expired", card=card_text(t, r, names))
                    ),
                )
    return queued


def _reminder(t: Translator, request, names) -> Reply:
    card = approver_card(t, request, names)
    return Reply(t("approval.reminder", card=card.text), card.buttons)


def _escalated(t: Translator, request, names) -> Reply:
    card = approver_card(t, request, names)
    return Reply(t("approval.escalated", card=card.text), card.buttons)


def install(router: Router, jobs: Jobs) -> None:
    jobs.add_counting(run_approval_sla, "approval_sla")
