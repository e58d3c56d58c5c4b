"""Who may use a command: the seats, and the refusal a seat gets for a command it may not use.

The commands themselves are in the app's `Router` (handlers/core/router.py)."""

from __future__ import annotations

from collections.abc import Callable

from domain.identity.actors import MANAGER_SEATS, Seat
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.messages import Reply

HandlerResult = Reply | list[Reply]
Handler = Callable[[Ctx], HandlerResult]
Seats = frozenset[Seat]

# Who may use a command: the table "Commands by role" in docs/DESIGN.md says the same.
ANYONE: Seats = frozenset(Seat)
LINKED: Seats = frozenset(Seat) - {Seat.ANONYMOUS}
DEALER: Seats = frozenset({Seat.DEALER})
MANAGER: Seats = MANAGER_SEATS
# Run the sales side of their dealers: targets, exceptions, penalties, report edits.
SALES_LEADS: Seats = frozenset({Seat.ADMIN, Seat.SALES_MANAGER, Seat.REGIONAL_DIRECTOR})
# Follow sales and violations (a product-line manager only on their lines).
SALES_STAFF: Seats = SALES_LEADS | {Seat.PRODUCT_LINE_MANAGER}
# Work complaint tickets.
SERVICE: Seats = SALES_LEADS | {Seat.SERVICE_AGENT}
# Write to dealers: promotions and notices.
MARKETING: Seats = SALES_LEADS | {Seat.MARKETING_DIRECTOR, Seat.MARKETING_ADMIN}
# Send to every dealer in scope at once, without a promotion's review.
BROADCASTERS: Seats = SALES_LEADS | {Seat.MARKETING_DIRECTOR}
# Run the bot's periodic work by hand.
ADMINS: Seats = frozenset({Seat.ADMIN})


def refusal(ctx: Ctx, what: str) -> UserError:
    """The answer to a command this user's role may not use: it says so, in their
    language, and names the commands they may use instead."""
    seat = ctx.actor.seat
    if seat is Seat.ANONYMOUS:
        return UserError("error.link_first")
    mine = [
        f"/{c.name}" for c in ctx.router.commands_for(seat) if c.name not in ("start", "cancel")
    ]
    return UserError(
        "access.refused",
        role=ctx.t(f"seat.{seat.value}"),
        what=f"/{what}",
        allowed=" ".join(mine),
    )


def require(ctx: Ctx, name: str, action: str) -> None:
    """Refuse unless this actor's seat may use sub-command `action` of command `name`."""
    if ctx.actor.seat not in ctx.router.commands[name].action_seats(action):
        raise refusal(ctx, f"{name} {action}")
