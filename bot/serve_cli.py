"""`dealerbot run`, `chat` and `scheduler`: serving chat, the console, scheduled jobs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def install(app: typer.Typer, build: Callable) -> None:
    """Add `run`, `chat` and `scheduler` to `app`; `build` makes the App from the config."""

    @app.command()
    def run(
        transport: Annotated[
            list[str] | None,
            typer.Option(
                "--transport",
                "-t",
                help="telegram, slack, feishu or console; repeat for several (default: every "
                "configured one, or the console when none is).",
            ),
        ] = None,
        no_scheduler: Annotated[
            bool, typer.Option("--no-scheduler", help="Do not run scheduled jobs in this process.")
        ] = False,
    ) -> None:
        """Serve chat: configured transports, outbox dispatchers and the scheduler."""
        from bot.runner import run_services
        from bot.serving import (
            UnknownTransport,
            build_run_services,
            choose_transports,
            shared_core,
        )

        # The policy search loads on the first question (in the core workers), not here:
        # an idle bot does not hold its 68 MB.
        application = build()
        try:
            names = choose_transports(application, transport or [])
            scheduler = application.settings.scheduler.enabled and not no_scheduler
            typer.echo(f"dealerbot: serving {', '.join(names)} on {_safe_url(application)}")
            core = shared_core(application, names)  # forked before any thread or SDK
            services = build_run_services(application, names, scheduler, typer.echo, core)
            asyncio.run(run_services(services, core=core))
        except UnknownTransport as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            pass
        finally:
            application.close()

    @app.command()
    def chat(
        user: Annotated[str, typer.Option("--user", "-u", help="Console user id.")] = "console",
        files_dir: Annotated[
            Path, typer.Option(help="Where images and documents are saved.")
        ] = Path("dealerbot-files"),
    ) -> None:
        """Talk to the bot in this terminal (stdin lines in, replies out; works piped)."""
        from bot.transports.console.service import ConsoleTransport, console_dispatcher

        application = build()  # the policy search loads on the first question
        console = ConsoleTransport(application.conversation, user, files_dir=files_dir)
        dispatcher = console_dispatcher(console, application.uow_factory, application.clock)
        try:
            asyncio.run(console.serve(dispatcher))
        except KeyboardInterrupt:
            pass
        finally:
            application.close()

    @app.command()
    def scheduler() -> None:
        """Run only the scheduler (multi-process deployments: transports run with --no-scheduler)."""  # noqa: E501
        from bot.runner import run_services
        from bot.scheduler import build as build_scheduler

        application = build()
        try:
            asyncio.run(run_services([build_scheduler(application)]))
        except KeyboardInterrupt:
            pass
        finally:
            application.close()


def _safe_url(application) -> str:
    return application.engine.url.render_as_string(hide_password=True)
