"""`dealerbot` command line (typer): the global options and the command groups, each in a
module of its own (bot/*_cli.py) that adds its commands here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bot import (
    jobs_cli,
    logs,
    notices_cli,
    outbox_cli,
    policy_cli,
    serve_cli,
    setup_cli,
    unlink_cli,
)
from bot.config import ConfigError, Settings, load_settings

app = typer.Typer(
    help="dealerbot: the dealer communication bot (Telegram, Slack, console).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


# In this order: `--help` lists the commands, then the groups, as they were added.
unlink_cli.install(app, build)
setup_cli.install(app, build, state.settings)
jobs_cli.install(app, build)
policy_cli.install(app, build)
notices_cli.install(app, build)
outbox_cli.install(app, build)
serve_cli.install(app, build)


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
