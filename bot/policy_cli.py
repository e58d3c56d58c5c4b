"""`dealerbot policy load FILE...`: the policy Q&A knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def install(app: typer.Typer, build: Callable) -> None:
    """Add `policy load` to `app`; `build` makes the App from the config."""
    policy_app = typer.Typer(help="Policy Q&A knowledge base.", no_args_is_help=True)
    app.add_typer(policy_app, name="policy")

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
