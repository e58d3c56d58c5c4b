"""What tickets look like in a chat: the one-line summary and the notices about them."""

from __future__ import annotations

from domain.tickets.model import Ticket, TicketAction, TicketEvent
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.options import CoreOptions


def summary(t: Translator, ticket: Ticket, options: CoreOptions) -> str:
    where = ticket.customer or "-"
    if ticket.terminal_code:
        where = (
            f"{ticket.customer} ({ticket.terminal_code})"
            if ticket.customer
            else ticket.terminal_code
        )
    return t(
        "tickets.summary",
        number=ticket.number,
        dealer=ticket.dealer_code,
        category=t(f"tickets.category.{ticket.category}"),
        urgency=t(f"tickets.urgency.{ticket.urgency}"),
        status=t(f"tickets.status.{ticket.status}"),
        customer=where,
        due=t.datetime(ticket.due_at, options.tz),
    )


def new_ticket_alert(t: Translator, ticket: Ticket, options: CoreOptions) -> Reply:
    return Reply(
        t("tickets.new_alert", summary=summary(t, ticket, options)),
        (
            (
                Button(t("tickets.button.take"), f"c:ticket {ticket.id} assign"),
                Button(t("tickets.button.details"), f"c:ticket {ticket.id}"),
            ),
        ),
    )


def rating_buttons(t: Translator, ticket: Ticket):
    return button_rows(
        [
            Button(t("tickets.button.rate", n=n), f"c:ticket {ticket.id} rate {n}")
            for n in range(1, 6)
        ],
        per_row=5,
    )


def dealer_update(
    t: Translator, ticket: Ticket, event: TicketEvent, note: str | None = None
) -> Reply:
    key = f"tickets.dealer_update.{event.action}"
    text = t(
        key,
        number=ticket.number,
        note=event.note if note is None else note,
        status=t(f"tickets.status.{ticket.status}"),
    )
    if event.action is TicketAction.RESOLVE:
        return Reply(text + "\n" + t("tickets.rate_prompt"), rating_buttons(t, ticket))
    return Reply(text)
