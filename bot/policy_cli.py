"""`dealerbot policy load FILE...`: the policy Q&A knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def install(app: typer.Typer, build: Callable) -> None:
    """Add `policy load`, `policy list` and `policy remove` to `app`; `build` makes the App
    from the config."""
    policy_app = typer.Typer(help="Policy Q&A knowledge base.", no_args_is_help=True)
    app.add_typer(policy_app, name="policy")

    @policy_app.command("load")
    def policy_load(
        files: Annotated[
            list[Path], typer.Argument(help="Policy files: .md, .txt (UTF-8), .docx or .pdf.")
        ],
    ) -> None:
        """Load policy files; a file may hold several documents, each found by its title.
        Reloading a file replaces the documents it held, and only those."""
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
            typer.echo(
                f"{verb} {d.name} ({d.lang}, {d.title}): {d.clauses} clauses"
                f" [file {d.source}, version {d.version}]"
            )

    @policy_app.command("list")
    def policy_list() -> None:
        """The loaded policy files, their version and their documents."""
        application = build()
        try:
            with application.uow_factory() as uow:
                files = uow.policy.files()
        finally:
            application.close()
        if not files:
            typer.echo("no policy file is loaded")
        for f in files:
            typer.echo(f"{f.source}  version {f.version}  loaded {f.loaded_at:%Y-%m-%d %H:%M} UTC")
            for doc in f.documents:
                typer.echo(f"  {doc.name} ({doc.lang}, {doc.title}): {len(doc.clauses)} clauses")

    @policy_app.command("remove")
    def policy_remove(
        name: Annotated[
            str, typer.Argument(help="A file's name (without extension) or a document's.")
        ],
    ) -> None:
        """Remove a loaded file's documents, or one document."""
        application = build()
        try:
            with application.uow_factory() as uow:
                removed = uow.policy.remove(name)
                uow.commit()
        finally:
            application.close()
        if not removed:
            typer.echo(f"error: no file or document named {name}; see `policy list`", err=True)
            raise typer.Exit(1)
        for doc in removed:
            typer.echo(f"removed {doc}")
