"""`dealerbot run`: every configured transport, the outbox dispatchers and the scheduler in
one asyncio process.

Each transport module offers `build(app) -> Service` where a Service has `async run(stop)`;
TRANSPORTS maps a name to the module path so that a transport's SDK is imported only when it
is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from bot.app import App

if TYPE_CHECKING:
    from bot.core_process import CoreProcesses

log = logging.getLogger(__name__)


class Service(Protocol):
    name: str

    async def run(self, stop: asyncio.Event) -> None: ...


# name -> (module, "is it configured?")
TRANSPORTS: dict[str, tuple[str, Callable[[App], bool]]] = {
    "telegram": (
        "bot.transports.telegram.service",
        lambda app: bool(app.settings.telegram.token.get_secret_value()),
    ),
    "slack": (
        "bot.transports.slack.service",
        lambda app: bool(app.settings.slack.bot_token.get_secret_value()),
    ),
    "feishu": (
        "bot.transports.feishu.service",
        lambda app: bool(app.settings.feishu.app_id),
    ),
}


def configured_transports(app: App) -> list[str]:
    return [name for name, (_, is_on) in TRANSPORTS.items() if is_on(app)]


def build_services(
    app: App, transports: list[str], scheduler: bool, core: CoreProcesses | None = None
) -> list[Service]:
    """The services to run; with `core`, every transport hands its updates to those shared
    worker processes."""
    services: list[Service] = []
    for name in transports:
        module_name, _ = TRANSPORTS[name]
        module = importlib.import_module(module_name)
        if core is None:
            services.append(module.build(app))
        elif name == "telegram":
            services.append(module.build(app, core=core))
        else:
            services.append(module.build(app, conversation=core))
    if scheduler:
        services.append(importlib.import_module("bot.scheduler").build(app))
    return services


async def run_services(
    services: list[Service], stop: asyncio.Event | None = None, core: CoreProcesses | None = None
) -> None:
    """Run `services` until one stops or `stop` is set; `core`, the workers they share, is
    started first and closed once every service has stopped."""
    stop = stop or asyncio.Event()
    if core is not None:
        await core.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(s.run(stop), name=s.name) for s in services]
    done, _ = await asyncio.wait(
        [*tasks, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    stop.set()
    for task in done:
        if task in tasks and task.exception():
            log.error("service %s stopped: %r", task.get_name(), task.exception())
    await asyncio.gather(*tasks, return_exceptions=True)
    if core is not None:
        await core.close()
