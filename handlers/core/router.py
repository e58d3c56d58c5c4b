"""What the bot answers, as one object the app owns: commands, text and file interpreters,
forms, the file steps of forms, cancel hooks, exporters, and what the app keeps for its
contexts across inbounds (the policy search index).

Each context's `install(router, jobs)` adds its parts; the composition root installs the
contexts in order (`handlers.contexts.CONTEXTS`), and that order is `/help`'s and the
menus'. Nothing is registered at import time: a module nobody installed is not part of the
bot, and a test builds its own router.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from domain.identity.actors import Actor, Seat

Seats = frozenset[Seat]
Handler = Callable[..., Any]  # (Ctx) -> Reply | list[Reply]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    func: Handler
    roles: Seats
    example: str  # shown in help, e.g. "/report A100 20 3500 T-0012"
    order: int  # position in help and menus
    redact: bool = False  # arguments are secrets (invite codes): keep them out of the audit log
    # Sub-commands with their own, narrower, seats ("set" of /target): see `registry.require`.
    actions: tuple[tuple[str, Seats], ...] = ()

    @property
    def help_key(self) -> str:
        return f"cmd.{self.name}"

    def allows(self, actor: Actor) -> bool:
        return actor.seat in self.roles

    def action_seats(self, action: str) -> Seats:
        return dict(self.actions)[action]


@dataclass(frozen=True, slots=True)
class Interpreter:
    """Reads plain text (or a file) no command claimed; lower priority runs first."""

    priority: int
    func: Handler
    anonymous: bool = False  # also reads what unlinked users send (everything else: linked only)


@dataclass(frozen=True, slots=True)
class Exporter:
    kind: str
    func: Handler  # (Ctx, Window) -> Sheet
    label_key: str  # catalog key naming the kind on its button
    default_period: Any  # domain.shared.periods.PeriodKind


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    texts: list[Interpreter] = field(default_factory=list)
    files: list[Interpreter] = field(default_factory=list)
    forms: dict[str, Any] = field(default_factory=dict)  # name -> handlers.core.forms.Form
    file_steps: dict[tuple[str, str], Handler] = field(default_factory=dict)
    cancel_hooks: list[Handler] = field(default_factory=list)
    link_hooks: list[Handler] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    # What a decided approval request of a kind does (grant the exception, add the terminal,
    # move the deposit): kind -> (Ctx, Request, DecisionRecord) -> a line for the replies.
    approval_outcomes: dict[str, Handler] = field(default_factory=dict)
    # How each kind of decision is taken back (handlers.decisions): kind -> undoer.
    undoers: dict[str, Any] = field(default_factory=dict)
    # Objects built once by the app and used by a context's handlers for the life of the
    # process, one per type (`policy`'s knowledge base): the app's, never a module's.
    kept: dict[type, Any] = field(default_factory=dict)

    # -- adding ------------------------------------------------------------------------

    def keep(self, thing: object) -> None:
        """Hold `thing` for the handlers (`ctx.router.kept_of(type)`); the first one kept
        of a type stays, so a context's default yields to what the app built."""
        self.kept.setdefault(type(thing), thing)

    def kept_of(self, kind: type[T]) -> T:
        return self.kept[kind]

    def command(
        self,
        func: Handler,
        name: str,
        *,
        roles: Seats,
        example: str = "",
        aliases: tuple[str, ...] = (),
        redact: bool = False,
        actions: dict[str, Seats] | None = None,
    ) -> None:
        """Add a command; its help line is the catalog entry `cmd.<name>`.

        `actions` names sub-commands open to fewer seats than the command (each a subset of
        `roles`); the handler checks them with `registry.require(ctx, name, action)`."""
        narrower = dict(actions or {})
        if any(not seats <= roles for seats in narrower.values()):
            raise ValueError(f"command {name!r}: an action allows a seat the command does not")
        if name in self.commands:
            raise ValueError(f"command {name!r} added twice")
        self.commands[name] = Command(
            name,
            func,
            roles,
            example or f"/{name}",
            len(self.commands),
            redact=redact,
            actions=tuple(narrower.items()),
        )
        for alias in aliases:
            self.aliases[alias] = name

    def text(self, func: Handler, *, priority: int, anonymous: bool = False) -> None:
        """Add an interpreter of plain text; lower priority runs first, None passes on."""
        self.texts.append(Interpreter(priority, func, anonymous))
        self.texts.sort(key=lambda i: i.priority)

    def file(self, func: Handler, *, priority: int, anonymous: bool = False) -> None:
        self.files.append(Interpreter(priority, func, anonymous))
        self.files.sort(key=lambda i: i.priority)

    def form(self, form: Any) -> None:
        if form.name in self.forms:
            raise ValueError(f"form {form.name!r} added twice")
        if form.first not in form.steps:
            raise ValueError(f"form {form.name!r}: first step {form.first!r} is not a step")
        self.forms[form.name] = form

    def file_step(self, func: Handler, form: str, step: str) -> None:
        """A step of `form` that takes a file (`func(ctx, data, attachment) -> next step`)."""
        self.file_steps[(form, step)] = func

    def cancel_hook(self, func: Handler) -> None:
        """Something a user may have in progress outside a form; `cancel` ends it too."""
        self.cancel_hooks.append(func)

    def link_hook(self, func: Handler) -> None:
        """Something owed to a chat account the moment it links (`func(ctx)`, the new actor
        in `ctx.actor`): returns a line to add to the welcome, or None."""
        self.link_hooks.append(func)

    def exporter(
        self, func: Handler, kind: str, *, label_key: str, default_period: Any = None
    ) -> None:
        if kind in self.exporters:
            raise ValueError(f"exporter {kind!r} added twice")
        if default_period is None:
            from domain.shared.periods import PeriodKind

            default_period = PeriodKind.MONTH
        self.exporters[kind] = Exporter(kind, func, label_key, default_period)

    def approval_outcome(self, func: Handler, kind: str) -> None:
        """What a decision on a request of `kind` does, in the decision's transaction: called
        after every decision with the request as it is after it; returns a line or ""."""
        if kind in self.approval_outcomes:
            raise ValueError(f"approval outcome {kind!r} added twice")
        self.approval_outcomes[kind] = func

    def undoer(self, func: Any, kind: str) -> None:
        """How a decision of `kind` is taken back: `func(ctx, decision, reversal) -> Reply`
        undoes its effect and tells whom it concerns (handlers.decisions runs it)."""
        if kind in self.undoers:
            raise ValueError(f"undoer {kind!r} added twice")
        self.undoers[kind] = func

    # -- reading -----------------------------------------------------------------------

    def lookup(self, name: str) -> Command | None:
        return self.commands.get(self.aliases.get(name, name))

    def known_names(self) -> frozenset[str]:
        return frozenset(self.commands) | frozenset(self.aliases)

    def commands_for(self, seat: Seat) -> list[Command]:
        return [c for c in self.ordered() if seat in c.roles]

    def ordered(self) -> list[Command]:
        return sorted(self.commands.values(), key=lambda c: c.order)

    def permissions(self) -> dict[str, Seats]:
        """Every command and sub-command ("target set") with the seats allowed to use it."""
        table: dict[str, Seats] = {}
        for cmd in self.ordered():
            table[cmd.name] = cmd.roles
            for action, seats in cmd.actions:
                table[f"{cmd.name} {action}"] = seats
        return table
