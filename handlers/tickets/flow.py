"""Tickets in chat: who may see one, and the use cases of `domain.tickets.services` worded
(refusals as errors, the people concerned told through the outbox in their own language).
"""

from __future__ import annotations

import domain.tickets.services as services
from domain.catalog.model import ManagerCode
from domain.identity.actors import Role
from domain.tickets.model import (
    NewTicket,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketId,
    TransitionRefused,
)
from domain.tickets.services import AssignRefused, Moved, RateProblem, RateRefused
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.examples import staff_example
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply
from handlers.core.scope import visible_dealers
from handlers.tickets.sla import sla_policy
from handlers.tickets.texts import dealer_update, new_ticket_alert, summary

# -- visibility -----------------------------------------------------------------------


def can_see(ctx: Ctx, ticket: Ticket) -> bool:
    a = ctx.actor
    if a.role is Role.DEALER:
        return ticket.dealer_code == a.dealer_code
    if a.role is not Role.MANAGER:
        return False
    if a.is_admin or (a.manager_code and ticket.assignee == a.manager_code):
        return True
    # By the dealer, as sales and violations are: not by where the customer is.
    return ctx.can_see_dealer(ticket.dealer_code)


def load_ticket(
    ctx: Ctx, ticket_id: TicketId | None, raw: str, *, for_update: bool = False
) -> Ticket:
    ticket = None
    if ticket_id is not None:
        ticket = ctx.uow.tickets.get(ticket_id, for_update=for_update)
    # The same answer for "not yours" and "does not exist": no probing other dealers.
    if ticket is None or not can_see(ctx, ticket):
        raise UserError("tickets.not_found", id=raw[:20])
    return ticket


def manager_scope(ctx: Ctx):
    """Dealers whose tickets this manager sees (None: every dealer)."""
    return visible_dealers(ctx.uow, ctx.scope)


# -- use cases, worded ---------------------------------------------------------------


def _refused(ctx: Ctx, ticket: Ticket, refused: TransitionRefused) -> UserError:
    return UserError(
        "tickets.refused",
        number=ticket.number,
        action=ctx.t(f"tickets.action.{refused.action}"),
        status=ctx.t(f"tickets.status.{refused.status}"),
    )


def _details(t: Translator, ticket: Ticket) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t("tickets.button.details"), f"c:ticket {ticket.id}"),),)


def open_ticket(ctx: Ctx, new: NewTicket) -> Ticket:
    opened = services.open_ticket(
        ctx.uow, new, actor=ctx.actor.label, now=ctx.now, sla=sla_policy(ctx.options)
    )
    ticket = opened.ticket
    ctx.audit("ticket.create", ticket.number)
    for staff in opened.working:
        ctx.notify(
            staff, f"ticket:{ticket.id}:new", lambda t: new_ticket_alert(t, ticket, ctx.options)
        )
    # The terminal's region hears of a complaint about a customer of theirs, to know only.
    for staff in opened.bystanders:
        ctx.notify(
            staff,
            f"ticket:{ticket.id}:info",
            lambda t: Reply(t("access.ticket_info", summary=summary(t, ticket, ctx.options))),
        )
    return ticket


def _moved(ctx: Ctx, ticket: Ticket, moved: Moved, dealer_note: str | None = None) -> None:
    event = moved.event
    ctx.audit(f"ticket.{event.action}", f"{ticket.number} {event.note}"[:200])
    for contact in moved.dealer_contacts:
        ctx.notify(
            contact,
            f"ticket:{ticket.id}:event:{event.id}",
            lambda t: dealer_update(t, ticket, event, dealer_note),
        )


def transition(ctx: Ctx, ticket: Ticket, action: TicketAction, *, note: str = "") -> TicketEvent:
    try:
        moved = services.move(
            ctx.uow,
            ticket,
            action,
            actor=ctx.actor.label,
            now=ctx.now,
            sla=sla_policy(ctx.options),
            note=note,
        )
    except TransitionRefused as refused:
        raise _refused(ctx, ticket, refused) from None
    _moved(ctx, ticket, moved)
    return moved.event


def assign(ctx: Ctx, ticket: Ticket, agent_code: str | None) -> services.Assigned:
    code = ManagerCode(agent_code.upper()) if agent_code else ctx.actor.manager_code
    try:
        assigned = services.assign(
            ctx.uow,
            ticket,
            code,
            by=ctx.actor.manager_code,
            actor=ctx.actor.label,
            now=ctx.now,
            sla=sla_policy(ctx.options),
        )
    except TransitionRefused as refused:
        raise _refused(ctx, ticket, refused) from None
    except AssignRefused as refused:
        if refused.agent is None:
            raise UserError(
                "tickets.unknown_agent",
                code=(agent_code or "")[:40],
                ticket=ticket.id,
                example=staff_example(ctx),
            ) from None
        raise UserError(
            "tickets.agent_outside_region", code=refused.agent.code, number=ticket.number
        ) from None
    # The dealer sees a name, not an internal staff code.
    _moved(ctx, ticket, assigned.moved, dealer_note=assigned.agent.name)
    event = assigned.moved.event
    for contact in assigned.agent_contacts:
        ctx.notify(
            contact,
            f"ticket:{ticket.id}:assigned:{event.id}",
            lambda t: Reply(
                t(
                    "tickets.assigned_to_you",
                    number=ticket.number,
                    summary=summary(t, ticket, ctx.options),
                ),
                _details(t, ticket),
            ),
        )
    return assigned


def rate(ctx: Ctx, ticket: Ticket, rating: int) -> bool:
    """Record the dealer's follow-up rating; True when it reopened the ticket."""
    try:
        rated = services.rate(
            ctx.uow,
            ticket,
            rating,
            actor=ctx.actor.label,
            now=ctx.now,
            sla=sla_policy(ctx.options),
            reopen_note=ctx.t("tickets.low_rating_note", rating=rating),
        )
    except RateRefused as refused:
        raise UserError(RATE_PROBLEMS[refused.problem], number=ticket.number) from None
    except TransitionRefused as refused:
        raise _refused(ctx, ticket, refused) from None
    ctx.audit("ticket.rate", f"{ticket.number} {rating}")
    for event in rated.moves:
        ctx.audit(f"ticket.{event.action}", f"{ticket.number} {event.note}"[:200])
    for staff in rated.staff:
        ctx.notify(
            staff,
            f"ticket:{ticket.id}:low_rating:{ticket.reopen_count}",
            lambda t: Reply(
                t("tickets.reopened_by_rating", number=ticket.number, rating=rating),
                _details(t, ticket),
            ),
        )
    return rated.reopened


RATE_PROBLEMS = {
    RateProblem.NOT_RESOLVED: "tickets.rate_not_resolved",
    RateProblem.ALREADY_RATED: "tickets.already_rated",
}
