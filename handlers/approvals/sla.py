"""The approval_sla job: remind a step's approvers, escalate to the admins, then expire."""

from __future__ import annotations

import hashlib
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

ONE_BY_ONE = 10  # reminders a person gets as cards of their own in one run; more: a count


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
    # Reminders and escalations are gathered per person first: past ONE_BY_ONE requests in
    # one run (a quarter's scorecards reach their reminder together) a person gets one
    # message with the count, not a card per request.
    told: dict[tuple, tuple[object, list[tuple[SlaAction, object]]]] = {}
    for request in uow.approvals.pending():
        action = sla_due(request, now, sla)
        if action is None:
            continue
        key = sla_dedupe_key(request, action)
        if action is SlaAction.REMIND:
            for person in step_approvers(uow, request):
                told.setdefault(_who(person), (person, []))[1].append((action, request))
            uow.approvals.mark_alerts(
                request, reminded=request.step, escalated=request.escalated_step
            )
        elif action is SlaAction.ESCALATE:
            for person in admins_of(uow, request):
                told.setdefault(_who(person), (person, []))[1].append((action, request))
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
    for person, items in told.values():
        queued += _tell(notifier, person, items, names)
    return queued


def _who(person) -> tuple:
    return (person.platform, person.chat_id)


def _tell(notifier: Notifier, person, items: list, names) -> int:
    """A person's reminders and escalations of this run: each as its card, or past
    ONE_BY_ONE one message per action with the count (keyed by the requests it covers, so
    a second scheduler's run of the same moment queues it once)."""
    queued = 0
    for action in (SlaAction.REMIND, SlaAction.ESCALATE):
        requests = [r for a, r in items if a is action]
        if len(requests) <= ONE_BY_ONE:
            for r in requests:
                build = _reminder if action is SlaAction.REMIND else _escalated
                queued += _queue(
                    notifier,
                    person,
                    sla_dedupe_key(r, action),
                    lambda t, r=r, b=build: b(t, r, names),
                )
            continue
        covered = ",".join(f"{r.id}.{r.step}" for r in sorted(requests, key=lambda r: r.id))
        digest = hashlib.sha256(covered.encode()).hexdigest()[:16]
        key = f"approval_sla:{action.value}:many:{digest}"
        message = (
            "approval.reminder_many" if action is SlaAction.REMIND else "approval.escalated_many"
        )
        queued += _queue(
            notifier, person, key, lambda t, n=len(requests), m=message: Reply(t(m, count=n))
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
