"""`dealerbot db upgrade`, `invite dealer|manager CODE`, `import KIND FILE` and `demo`:
setting a deployment up (its schema, link codes, master data, demo data)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.config import Settings


def install(app: typer.Typer, build: Callable, load: Callable[[], Settings]) -> None:
    """Add `db`, `invite`, `import` and `demo` to `app`; `build` makes the App from the
    config, `load` reads the config alone."""
    db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
    invite_app = typer.Typer(help="One-time link codes for chat users.", no_args_is_help=True)
    app.add_typer(db_app, name="db")
    app.add_typer(invite_app, name="invite")

    @db_app.command("upgrade")
    def db_upgrade() -> None:
        """Apply every pending migration."""
        from storage.db import upgrade

        settings = load()
        upgrade(settings.database.url)
        typer.echo("database is up to date")

    @invite_app.command("dealer")
    def invite_dealer(code: str) -> None:
        """Print a one-time code that links a chat user to dealer CODE."""
        _invite(build, dealer=code)

    @invite_app.command("manager")
    def invite_manager(code: str) -> None:
        """Print a one-time code that links a chat user to manager CODE."""
        _invite(build, manager=code)

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
        targets, managers, the policy documents and a history (three months of sales, violations,
        tickets, a promotion); running it again changes nothing."""
        from bot.demo import seed_demo, seed_demo_policy
        from bot.demo_history import seed_history

        application = build()
        try:
            now = application.clock.now()
            today = now.astimezone(application.options.tz).date()
            for result in seed_demo(application.uow_factory, today):
                typer.echo(
                    f"{result.kind.value:<15} {result.created:>4} created "
                    f"{result.updated:>4} updated {result.unchanged:>4} unchanged"
                )
            history = seed_history(application.uow_factory, now, application.options)
            typer.echo(
                f"history         {history.sales} sales, {history.violations} violations, "
                f"{history.tickets} tickets, {history.promotions} promotion"
                if history
                else "history         already in place"
            )
            loaded = seed_demo_policy(application.uow_factory, application.clock)
            typer.echo(f"policy          {', '.join(loaded) if loaded else 'already loaded'}")
        finally:
            application.close()
        typer.echo("demo data is in place; link a chat user with `dealerbot invite dealer D001`")


def _invite(build: Callable, dealer: str | None = None, manager: str | None = None) -> None:
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
