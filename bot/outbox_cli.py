"""`dealerbot outbox`: proactive messages and their delivery state, and `outbox retry`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from domain.shared.outbox import OutboxStatus


def install(app: typer.Typer, build: Callable) -> None:
    """Add `outbox` and `outbox retry` to `app`; `build` makes the App from the config."""
    outbox_app = typer.Typer(
        help="Proactive messages: their delivery state, and sending failed ones again.",
        invoke_without_command=True,
    )
    RETRYABLE = (OutboxStatus.FAILED, OutboxStatus.UNDELIVERABLE)

    @outbox_app.callback()
    def show(
        ctx: typer.Context,
        status: Annotated[
            str | None, typer.Option(help="pending, sending, sent, failed or undeliverable.")
        ] = None,
        limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 50,
    ) -> None:
        """Show proactive messages and their delivery state (`outbox retry` sends failed ones)."""
        if ctx.invoked_subcommand is not None:
            return
        wanted = _status(status, tuple(OutboxStatus)) if status else None
        application = build()
        try:
            with application.uow_factory() as uow:
                items = uow.outbox.list(wanted, limit)
        finally:
            application.close()
        for item in items:
            text = str(item.payload.get("text", "")).replace("\n", " ")[:60]
            typer.echo(
                f"{item.id:>6} {item.status.value:<13} {item.platform:<9} {item.chat_id:<16} "
                f"tries={item.attempts} {text} {item.last_error[:40]}"
            )
        if not items:
            typer.echo("no messages")

    @outbox_app.command("retry")
    def retry(
        status: Annotated[str, typer.Option(help="failed or undeliverable.")] = "failed",
        since: Annotated[
            str | None,
            typer.Option(
                help="Only messages that ended at or after DATE or DATETIME (2026-12-01, "
                "'2026-12-01 08:30'; scheduler time zone unless an offset is given)."
            ),
        ] = None,
    ) -> None:
        """Queue failed messages again: the running dispatchers send them from now."""
        wanted = _status(status, RETRYABLE)
        application = build()
        try:
            tz = ZoneInfo(application.settings.scheduler.timezone)
            start = _moment(since, tz) if since else None
            now = application.clock.now()
            with application.uow_factory() as uow:
                chats = uow.outbox.requeue([wanted], start, now)
                if wanted is OutboxStatus.UNDELIVERABLE:
                    # The user may have unblocked the bot: try them again (a refusal marks
                    # them undeliverable once more).
                    for platform, chat_id in set(chats):
                        uow.identities.set_undeliverable(platform, chat_id, False)
                uow.commit()
        finally:
            application.close()
        window = f" since {start.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}" if start else ""
        noun = "message" if len(chats) == 1 else "messages"
        typer.echo(f"queued {len(chats)} {wanted.value} {noun} again{window}")

    def _status(value: str, allowed: tuple[OutboxStatus, ...]) -> OutboxStatus:
        try:
            status = OutboxStatus(value)
        except ValueError:
            status = None
        if status not in allowed:
            choices = ", ".join(s.value for s in allowed)
            typer.echo(f"error: unknown status {value!r}; use one of {choices}", err=True)
            raise typer.Exit(2)
        return status

    def _moment(value: str, tz: ZoneInfo) -> datetime:
        """DATE (the start of that day) or DATETIME, in `tz` unless it carries an offset."""
        text = value.strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(), tz)
            moment = datetime.fromisoformat(text)
        except ValueError:
            typer.echo(
                f"error: --since {value!r} is not a date or time; "
                "use 2026-12-01 or '2026-12-01 08:30'",
                err=True,
            )
            raise typer.Exit(2) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)

    app.add_typer(outbox_app, name="outbox")
