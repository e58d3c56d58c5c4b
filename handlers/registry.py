"""One registry of commands: `help`, Telegram's menu and Slack's `/dealer` all come from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.identity import Role
from handlers.context import Ctx
from handlers.messages import Reply

HandlerResult = Reply | list[Reply]
Handler = Callable[[Ctx], HandlerResult]

ANYONE = frozenset({Role.ANONYMOUS, Role.DEALER, Role.MANAGER})
LINKED = frozenset({Role.DEALER, Role.MANAGER})
DEALER = frozenset({Role.DEALER})
MANAGER = frozenset({Role.MANAGER})


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    func: Handler
    roles: frozenset[Role]
    example: str  # shown in help, e.g. "/report A100 20 3500 T-0012"
    order: int  # position in help and menus
    redact: bool = False  # arguments are secrets (invite codes): keep them out of the audit log

    @property
    def help_key(self) -> str:
        return f"cmd.{self.name}"


COMMANDS: dict[str, Command] = {}
ALIASES: dict[str, str] = {}


def command(
    name: str,
    *,
    roles: frozenset[Role],
    example: str = "",
    aliases: tuple[str, ...] = (),
    redact: bool = False,
) -> Callable[[Handler], Handler]:
    """Register a command handler; its help line is the catalog entry `cmd.<name>`."""

    def register(func: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = Command(
            name, func, roles, example or f"/{name}", len(COMMANDS), redact=redact
        )
        for alias in aliases:
            ALIASES[alias] = name
        return func

    return register


def lookup(name: str) -> Command | None:
    return COMMANDS.get(ALIASES.get(name, name))


def known_names() -> frozenset[str]:
    return frozenset(COMMANDS) | frozenset(ALIASES)


def commands_for(role: Role) -> list[Command]:
    return sorted((c for c in COMMANDS.values() if role in c.roles), key=lambda c: c.order)
