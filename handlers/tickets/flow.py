"""Ticket use cases with their notifications: open, assign/resolve/close/reopen, rate.

The status rules are `domain.tickets.model`; this module checks who may act, records the event
and tells the people concerned through the outbox, each in their own language.
"""

from __future__ import annotations

from domain.catalog.model import ManagerCode, ManagerRole
from domain.identity.actors import Role
from domain.tickets.lifecycle import apply
from domain.tickets.model import (
    FollowUp,
    NewTicket,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketId,
    TicketStatus,
    TransitionRefused,
    rating_reopens,
)
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.messages import Button, Reply
from handlers.core.scope import visible_dealers
from handlers.tickets.recipients import (
    bystanders_of,
    escalation_of,
    handlers_of,
    sla_policy,
    unique_chats,
)
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


# -- use cases ------------------------------------------------------------------------


def open_ticket(ctx: Ctx, new: NewTicket) -> Ticket:
    due = ctx.now + sla_policy(ctx.options).duration(new.category, new.urgency)
    ticket = ctx.uow.tickets.add(new, ctx.now, due)
    ctx.uow.tickets.record_event(
        TicketEvent(ticket.id, ctx.now, ctx.actor.label, TicketAction.CREATE, None, ticket.status)
    )
    ctx.audit("ticket.create", ticket.number)
    working = unique_chats(handlers_of(ctx.uow, ticket))
    for staff in working:
        ctx.notify(
            staff, f"ticket:{ticket.id}:new", lambda t: new_ticket_alert(t, ticket, ctx.options)
        )
    # The terminal's region hears of a complaint about a customer of theirs, to know only.
    for staff in unique_chats(bystanders_of(ctx.uow, ticket, working)):
        ctx.notify(
            staff,
            f"ticket:{ticket.id}:info",
            lambda t: Reply(t("access.ticket_info", summary=summary(t, ticket, ctx.options))),
        )
    return ticket


def transition(
    ctx: Ctx,
    ticket: Ticket,
    action: TicketAction,
    *,
    note: str = "",
    assignee: ManagerCode | None = None,
    notify_dealer: bool = True,
    dealer_note: str | None = None,
) -> TicketEvent:
    try:
        event = apply(
            ticket,
            action,
            ctx.actor.label,
            ctx.now,
            sla_policy(ctx.options),
            note=note,
            assignee=assignee,
        )
    except TransitionRefused as refused:
        raise UserError(
            "tickets.refused",
            number=ticket.number,
            action=ctx.t(f"tickets.action.{refused.action}"),
            status=ctx.t(f"tickets.status.{refused.status}"),
        ) from None
    ctx.uow.tickets.save(ticket)
    event = ctx.uow.tickets.record_event(event)
    ctx.audit(f"ticket.{action}", f"{ticket.number} {note}"[:200])
    if notify_dealer:
        for contact in ctx.uow.identities.dealer_contacts(ticket.dealer_code):
            ctx.notify(
                contact,
                f"ticket:{ticket.id}:event:{event.id}",
                lambda t: dealer_update(t, ticket, event, dealer_note),
            )
    return event


def assign(ctx: Ctx, ticket: Ticket, agent_code: str | None) -> TicketEvent:
    code = ManagerCode(agent_code.upper()) if agent_code else ctx.actor.manager_code
    agent = ctx.uow.catalog.manager(code) if code else None
    if agent is None:
        raise UserError("tickets.unknown_agent", code=(agent_code or "")[:40])
    tree = ctx.uow.catalog.region_tree()
    dealer_regions = ctx.uow.catalog.dealer_regions(ticket.dealer_code)
    covers = agent.role is ManagerRole.ADMIN or any(
        tree.is_within(r, mine) for r in dealer_regions for mine in agent.region_codes
    )
    if not covers:
        raise UserError("tickets.agent_outside_region", code=agent.code, number=ticket.number)
    event = transition(
        ctx,
        ticket,
        TicketAction.ASSIGN,
        note=agent.code,
        assignee=agent.code,
        dealer_note=agent.name,  # the dealer sees a name, not an internal staff code
    )
    if agent.code != ctx.actor.manager_code:
        for contact in ctx.uow.tickets.manager_contacts(agent.code):
            ctx.notify(
                contact,
                f"ticket:{ticket.id}:assigned:{event.id}",
                lambda t: Reply(
                    t(
                        "tickets.assigned_to_you",
                        number=ticket.number,
                        summary=summary(t, ticket, ctx.options),
                    ),
                    ((Button(t("tickets.button.details"), f"c:ticket {ticket.id}"),),),
                ),
            )
    return event


def rate(ctx: Ctx, ticket: Ticket, rating: int) -> bool:
    """Record the dealer's follow-up rating; True when it reopened the ticket."""
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise UserError("tickets.rate_not_resolved", number=ticket.number)
    followup = FollowUp(ticket.id, ctx.now, ctx.actor.label, rating, ticket.reopen_count)
    if not ctx.uow.tickets.add_followup(followup):
        raise UserError("tickets.already_rated", number=ticket.number)
    ctx.uow.tickets.record_event(
        TicketEvent(
            ticket.id,
            ctx.now,
            ctx.actor.label,
            TicketAction.RATE,
            ticket.status,
            ticket.status,
            str(rating),
        )
    )
    ctx.audit("ticket.rate", f"{ticket.number} {rating}")
    if rating_reopens(rating):
        note = ctx.t("tickets.low_rating_note", rating=rating)
        transition(ctx, ticket, TicketAction.REOPEN, note=note, notify_dealer=False)
        for staff in unique_chats(handlers_of(ctx.uow, ticket) + escalation_of(ctx.uow, ticket)):
            ctx.notify(
                staff,
                f"ticket:{ticket.id}:low_rating:{ticket.reopen_count}",
                lambda t: Reply(
                    t("tickets.reopened_by_rating", number=ticket.number, rating=rating),
                    ((Button(t("tickets.button.details"), f"c:ticket {ticket.id}"),),),
                ),
            )
        return True
    if ticket.status is TicketStatus.RESOLVED:
        transition(ctx, ticket, TicketAction.CLOSE, note=f"{rating}/5", notify_dealer=False)
    return False
