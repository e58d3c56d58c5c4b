"""One registry of commands: `help`, Telegram's menu and Slack's `/dealer` all come from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.identity.actors import MANAGER_SEATS, Actor, Seat
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


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    func: Handler
    roles: Seats
    example: str  # shown in help, e.g. "/report A100 20 3500 T-0012"
    order: int  # position in help and menus
    redact: bool = False  # arguments are secrets (invite codes): keep them out of the audit log
    # Sub-commands with their own, narrower, seats ("set" of /target): see `require`.
    actions: tuple[tuple[str, Seats], ...] = ()

    @property
    def help_key(self) -> str:
        return f"cmd.{self.name}"

    def allows(self, actor: Actor) -> bool:
        return actor.seat in self.roles

    def action_seats(self, action: str) -> Seats:
        return dict(self.actions)[action]


COMMANDS: dict[str, Command] = {}
ALIASES: dict[str, str] = {}


def command(
    name: str,
    *,
    roles: Seats,
    example: str = "",
    aliases: tuple[str, ...] = (),
    redact: bool = False,
    actions: dict[str, Seats] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a command handler; its help line is the catalog entry `cmd.<name>`.

    `actions` names sub-commands open to fewer seats than the command (each a subset of
    `roles`); the handler checks them with `require(ctx, name, action)`."""
    narrower = {a: seats for a, seats in (actions or {}).items()}
    if any(not seats <= roles for seats in narrower.values()):
        raise ValueError(f"command {name!r}: an action allows a seat the command does not")

    def register(func: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = Command(
            name,
            func,
            roles,
            example or f"/{name}",
            len(COMMANDS),
            redact=redact,
            actions=tuple(narrower.items()),
        )
        for alias in aliases:
            ALIASES[alias] = name
        return func

    return register


def lookup(name: str) -> Command | None:
    return COMMANDS.get(ALIASES.get(name, name))


def known_names() -> frozenset[str]:
    return frozenset(COMMANDS) | frozenset(ALIASES)


def commands_for(seat: Seat) -> list[Command]:
    return sorted((c for c in COMMANDS.values() if seat in c.roles), key=lambda c: c.order)


def permissions() -> dict[str, Seats]:
    """Every command and sub-command ("target set") with the seats allowed to use it."""
    table: dict[str, Seats] = {}
    for cmd in sorted(COMMANDS.values(), key=lambda c: c.order):
        table[cmd.name] = cmd.roles
        for action, seats in cmd.actions:
            table[f"{cmd.name} {action}"] = seats
    return table


def refusal(ctx: Ctx, what: str) -> UserError:
    """The answer to a command this user's role may not use: it says so, in their
    language, and names the commands they may use instead."""
    seat = ctx.actor.seat
    if seat is Seat.ANONYMOUS:
        return UserError("error.link_first")
    mine = [f"/{c.name}" for c in commands_for(seat) if c.name not in ("start", "cancel")]
    return UserError(
        "access.refused",
        role=ctx.t(f"seat.{seat.value}"),
        what=f"/{what}",
        allowed=" ".join(mine),
    )


def require(ctx: Ctx, name: str, action: str) -> None:
    """Refuse unless this actor's seat may use sub-command `action` of command `name`."""
    if ctx.actor.seat not in COMMANDS[name].action_seats(action):
        raise refusal(ctx, f"{name} {action}")
