"""`dealerbot notices load FILE.toml [--by CODE]`: a notice written as a file, its attachment
beside it, sent at once to the dealer contacts its audience reaches."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def install(app: typer.Typer, build: Callable) -> None:
    """Add `notices load` to `app`; `build` makes the App from the config."""
    notices_app = typer.Typer(help="Notices and training materials.", no_args_is_help=True)
    app.add_typer(notices_app, name="notices")

    @notices_app.command("load")
    def notices_load(
        file: Annotated[Path, typer.Argument(help="The notice as TOML (see README).")],
        by: Annotated[
            str,
            typer.Option("--by", help="Code of the manager sending it (else `by` in the file)."),
        ] = "",
    ) -> None:
        """Load a notice (title, body, attachment, audience, ack_by, quiz) and send it."""
        from domain.notices.loading import NoticeFileError
        from handlers.core.i18n import Translator
        from handlers.notices.loading import describe, load_and_send

        if not file.is_file():
            typer.echo(f"error: no such file: {file}", err=True)
            raise typer.Exit(2)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            typer.echo(f"error: {file} is not UTF-8 TOML: {exc}", err=True)
            raise typer.Exit(1) from None

        def read(name: str) -> bytes | None:
            path = file.parent / name
            return path.read_bytes() if path.is_file() else None

        application = build()
        t = Translator("en")
        try:
            with application.uow_factory() as uow:
                now = application.clock.now()
                notice, reach = load_and_send(uow, data, read, now, application.options, by)
                uow.commit()
        except NoticeFileError as err:
            typer.echo(f"error: {file} was not loaded; nothing was sent:", err=True)
            for line in describe(t, err):
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(1) from None
        finally:
            application.close()
        typer.echo(
            f"notice #{notice.id} {notice.title!r}: sent to {reach.contacts} contact(s) "
            f"of {len(reach.dealers)} dealer(s)"
        )
