"""`dealerbot` command line (typer)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot import logs, outbox_cli, unlink_cli
from bot.config import ConfigError, Settings, load_settings

app = typer.Typer(
    help="dealerbot: the dealer communication bot (Telegram, Slack, console).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
invite_app = typer.Typer(help="One-time link codes for chat users.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(invite_app, name="invite")
jobs_app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
policy_app = typer.Typer(help="Policy Q&A knowledge base.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


class State:
    config: Path | None = None

    def settings(self) -> Settings:
        try:
            settings = load_settings(self.config)
        except ConfigError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        logs.hide_secrets(settings)
        return settings


state = State()


@app.callback()
def main_options(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            envvar="DEALERBOT_CONFIG",
            help="TOML config file (default ./config.toml).",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    state.config = config
    logs.configure(verbose)


def build(migrate: bool = True):
    from bot.app import build_app

    return build_app(state.settings(), migrate=migrate)


unlink_cli.install(app, build)
outbox_cli.install(app, build)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from storage.db import upgrade

    settings = state.settings()
    upgrade(settings.database.url)
    typer.echo("database is up to date")


@invite_app.command("dealer")
def invite_dealer(code: str) -> None:
    """Print a one-time code that links a chat user to dealer CODE."""
    _invite(dealer=code)


@invite_app.command("manager")
def invite_manager(code: str) -> None:
    """Print a one-time code that links a chat user to manager CODE."""
    _invite(manager=code)


def _invite(dealer: str | None = None, manager: str | None = None) -> None:
    from domain.catalog.model import DealerCode, ManagerCode
    from domain.identity.invites import UnknownPerson, issue_invite

    application = build()
    ttl = timedelta(hours=application.options.invite_ttl_hours)
    with application.uow_factory() as uow:
        try:
            invite = issue_invite(
                uow,
                application.clock.now(),
                ttl,
                dealer=DealerCode(dealer) if dealer else None,
                manager=ManagerCode(manager) if manager else None,
            )
        except UnknownPerson:
            kind = "dealer" if dealer else "manager"
            typer.echo(f"error: no {kind} with code {dealer or manager}", err=True)
            application.close()
            raise typer.Exit(1) from None
        uow.commit()
    application.close()
    who = f"dealer {dealer}" if dealer else f"manager {manager}"
    typer.echo(f"one-time code for {who}, valid until {invite.expires_at:%Y-%m-%d %H:%M} UTC:")
    typer.echo(invite.code)


@app.command(
    "import",
    help="Import a CSV (UTF-8) or XLSX file of KIND: "
    "regions, terminals, products, prices, dealers, contracts, authorizations, targets, "
    "managers. All or nothing: a bad file is rejected with every bad row listed.",
)
def import_file(
    kind: Annotated[str, typer.Argument(help="What the file holds (see above).")],
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file with a header row.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and report; store nothing.")
    ] = False,
) -> None:
    from rich.console import Console

    from bot.importing import describe, run_import, summary
    from domain.catalog.import_kinds import ImportKind, columns_of

    try:
        what = ImportKind(kind.lower())
    except ValueError:
        choices = ", ".join(k.value for k in ImportKind)
        typer.echo(f"error: unknown kind {kind!r}; choose from {choices}", err=True)
        raise typer.Exit(2) from None
    if not file.is_file():
        typer.echo(f"error: no such file: {file}", err=True)
        raise typer.Exit(2)
    application = build()
    try:
        result = run_import(
            application.uow_factory, what, file, Console(stderr=True), dry_run=dry_run
        )
    finally:
        application.close()
    if not result.ok:
        typer.echo(f"error: {file} was not imported; nothing was stored:", err=True)
        for error in result.errors:
            typer.echo(f"  {describe(error, what)}", err=True)
        typer.echo(f"columns for {what.value}: {','.join(columns_of(what))}", err=True)
        raise typer.Exit(1)
    typer.echo(summary(result, dry_run))


@app.command()
def demo() -> None:
    """Seed demo data: regions, terminals, products, prices, dealers, contracts, authorizations,
    targets, managers and the policy documents; running it again changes nothing."""
    from bot.demo import seed_demo, seed_demo_policy

    application = build()
    try:
        today = application.clock.now().astimezone(application.options.tz).date()
        for result in seed_demo(application.uow_factory, today):
            typer.echo(
                f"{result.kind.value:<15} {result.created:>4} created {result.updated:>4} updated "
                f"{result.unchanged:>4} unchanged"
            )
        loaded = seed_demo_policy(application.uow_factory, application.clock)
        typer.echo(f"policy          {', '.join(loaded) if loaded else 'already loaded'}")
    finally:
        application.close()
    typer.echo("demo data is in place; link a chat user with `dealerbot invite dealer D001`")


@app.command()
def run(
    transport: Annotated[
        list[str] | None,
        typer.Option(
            "--transport",
            "-t",
            help="telegram, slack or console; repeat for several (default: every configured "
            "one, or the console when none is).",
        ),
    ] = None,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Do not run scheduled jobs in this process.")
    ] = False,
) -> None:
    """Serve chat: configured transports, outbox dispatchers and the scheduler."""
    from bot.policy_files import warm_up_policy
    from bot.runner import run_services
    from bot.serving import UnknownTransport, build_run_services, choose_transports

    application = build()
    warm_up_policy(application)
    try:
        names = choose_transports(application, transport or [])
        scheduler = application.settings.scheduler.enabled and not no_scheduler
        typer.echo(f"dealerbot: serving {', '.join(names)} on {_safe_url(application)}")
        services = build_run_services(application, names, scheduler, typer.echo)
        asyncio.run(run_services(services))
    except UnknownTransport as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        pass
    finally:
        application.close()


def _safe_url(application) -> str:
    return application.engine.url.render_as_string(hide_password=True)


@app.command()
def chat(
    user: Annotated[str, typer.Option("--user", "-u", help="Console user id.")] = "console",
    files_dir: Annotated[Path, typer.Option(help="Where images and documents are saved.")] = Path(
        "dealerbot-files"
    ),
) -> None:
    """Talk to the bot in this terminal (stdin lines in, replies out; works piped)."""
    from bot.policy_files import warm_up_policy
    from bot.transports.console.service import ConsoleTransport, console_dispatcher

    application = build()
    warm_up_policy(application)
    console = ConsoleTransport(application.conversation, user, files_dir=files_dir)
    dispatcher = console_dispatcher(console, application.uow_factory, application.clock)
    try:
        asyncio.run(console.serve(dispatcher))
    except KeyboardInterrupt:
        pass
    finally:
        application.close()


@jobs_app.command("list")
def jobs_list() -> None:
    """List scheduled jobs: schedule, next run, last run and how it ended."""
    from bot.jobs_cli import print_jobs

    application = build()
    try:
        print_jobs(application, typer.echo)
    finally:
        application.close()


@jobs_app.command("run")
def jobs_run(name: str) -> None:
    """Run job NAME now for its latest occasion (messages already queued are not repeated)."""
    from bot.jobs_cli import run_one

    application = build()
    try:
        code = run_one(application, name, typer.echo)
    finally:
        application.close()
    if code:
        raise typer.Exit(code)


@app.command()
def scheduler() -> None:
    """Run only the scheduler (multi-process deployments: transports run with --no-scheduler)."""
    from bot.runner import run_services
    from bot.scheduler import build as build_scheduler

    application = build()
    try:
        asyncio.run(run_services([build_scheduler(application)]))
    except KeyboardInterrupt:
        pass
    finally:
        application.close()


@policy_app.command("load")
def policy_load(
    files: Annotated[list[Path], typer.Argument(help="Markdown or UTF-8 text policy files.")],
) -> None:
    """Load policy documents (clause = heading or numbered article); reloading replaces."""
    from bot.policy_files import PolicyFileError, load_policy_files

    application = build()
    try:
        loaded = load_policy_files(application.uow_factory, files, application.clock)
    except PolicyFileError as exc:
        typer.echo(f"error: {exc}; nothing was loaded", err=True)
        raise typer.Exit(1) from None
    finally:
        application.close()
    for d in loaded:
        verb = "replaced" if d.replaced else "loaded"
        typer.echo(f"{verb} {d.name} ({d.lang}, {d.title}): {d.clauses} clauses")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
