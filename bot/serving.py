"""What `dealerbot run` serves: the configured chat transports, or the console when none is.

With no Telegram, Slack or Feishu credentials a new user gets the console on the configured
database, seeded with demo data when empty, and a one-time code to link as a demo dealer or
manager.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from bot.app import App
from bot.demo import DEMO_DEALER, DEMO_MANAGER, is_empty, seed_demo, seed_demo_policy
from bot.demo_history import seed_history
from bot.runner import TRANSPORTS, Service, build_services, configured_transports
from bot.transports.console.service import ConsoleTransport, console_dispatcher
from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite

if TYPE_CHECKING:
    from bot.core_process import CoreProcesses

CONSOLE = "console"
CONSOLE_USER = "console"


class UnknownTransport(ValueError):
    """A --transport name that does not exist or has no credentials configured."""


def scheduler_available() -> bool:
    return importlib.util.find_spec("bot.scheduler") is not None


def choose_transports(app: App, wanted: list[str]) -> list[str]:
    """The transports to serve: those asked for, else every configured one, else the console."""
    if not wanted:
        return configured_transports(app) or [CONSOLE]
    configured = set(configured_transports(app))
    for name in wanted:
        if name == CONSOLE:
            continue
        if name not in TRANSPORTS:
            choices = ", ".join([*TRANSPORTS, CONSOLE])
            raise UnknownTransport(f"unknown transport {name!r}; choose from {choices}")
        if name not in configured:
            raise UnknownTransport(f"transport {name!r} has no credentials in the configuration")
    return list(dict.fromkeys(wanted))


class ConsoleService:
    """The console transport as a runner service: stops at end of input or on `stop`."""

    name = CONSOLE

    def __init__(
        self,
        app: App,
        user_id: str = CONSOLE_USER,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.console = ConsoleTransport(app.conversation, user_id, stdin=stdin, stdout=stdout)
        self.dispatcher = console_dispatcher(self.console, app.uow_factory, app.clock)

    async def run(self, stop: asyncio.Event) -> None:
        await self.console.run(stop)


def seed_demo_if_empty(app: App) -> bool:
    """Seed the demo catalog, its history and the sample policy when the database holds no
    regions and no dealers."""
    if not is_empty(app.uow_factory):
        return False
    now = app.clock.now()
    seed_demo(app.uow_factory, now.astimezone(app.options.tz).date())
    seed_history(app.uow_factory, now, app.options)
    seed_demo_policy(app.uow_factory, app.clock)
    return True


def console_greeting(app: App, user_id: str = CONSOLE_USER) -> list[str]:
    """How to start talking: who the console user is, or fresh codes to link as a demo user."""
    now = app.clock.now()
    ttl = timedelta(hours=app.options.invite_ttl_hours)
    with app.uow_factory() as uow:
        actor = uow.identities.find(CONSOLE, user_id)
        if actor is not None and actor.label != "anonymous":
            return [f"this console is linked as {actor.label}; type /help to see the commands"]
        lines = ["type a message and press Enter (Ctrl-D to quit); /lang en switches to English."]
        has_dealer = uow.catalog.dealer(DealerCode(DEMO_DEALER)) is not None
        has_manager = uow.catalog.manager(ManagerCode(DEMO_MANAGER)) is not None
        if has_dealer:
            code = issue_invite(uow, now, ttl, dealer=DealerCode(DEMO_DEALER)).code
            lines.append(f"  link as dealer {DEMO_DEALER}:   /start {code}")
        if has_manager:
            code = issue_invite(uow, now, ttl, manager=ManagerCode(DEMO_MANAGER)).code
            lines.append(f"  link as manager {DEMO_MANAGER}:  /start {code}")
        if not (has_dealer or has_manager):
            lines.append("  get a link code with: dealerbot invite dealer CODE")
        uow.commit()
    return lines


def shared_core(app: App, transports: list[str]) -> CoreProcesses | None:
    """The core worker processes Telegram, Slack and Feishu share, forked now: with
    `[telegram] core_processes` above 0 and Telegram served (else each transport runs the
    core in threads of this process, as Slack or Feishu alone do)."""
    processes = app.settings.telegram.core_processes
    if "telegram" not in transports or processes <= 0:
        return None
    from bot.core_process import CoreProcesses

    core = CoreProcesses(app.settings, processes)
    core.prefork(app)
    return core


def build_run_services(
    app: App,
    transports: list[str],
    scheduler: bool,
    say: Callable[[str], None],
    core: CoreProcesses | None = None,
) -> list[Service]:
    services: list[Service] = []
    chat = [t for t in transports if t != CONSOLE]
    if CONSOLE in transports:
        if seed_demo_if_empty(app):
            say("the database was empty: seeded demo data (see `dealerbot demo --help`)")
        for line in console_greeting(app):
            say(line)
        services.append(ConsoleService(app))
    if scheduler and not scheduler_available():
        say("scheduler not available in this build; running without scheduled jobs")
        scheduler = False
    services.extend(build_services(app, chat, scheduler, core))
    return services
