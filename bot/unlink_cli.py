"""`dealerbot unlink`: end a chat account's link (a departed employee, a lost phone)."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the CLI imports the rest of the bot only for the command it runs
    from domain.identity.actors import Contact


def install(app: typer.Typer, build: Callable) -> None:
    """Add the `unlink` command to `app`; `build` makes the App from the config."""

    @app.command("unlink")
    def unlink_command(
        platform: Annotated[
            str | None, typer.Argument(help="telegram, slack or console.", show_default=False)
        ] = None,
        user_id: Annotated[
            str | None, typer.Argument(help="The chat user's id on that platform.")
        ] = None,
        dealer: Annotated[
            str | None,
            typer.Option("--dealer", help="A dealer code: list its linked accounts."),
        ] = None,
        contact: Annotated[
            str | None,
            typer.Option("--contact", help="With --dealer: the account's number, user id or name."),
        ] = None,
        reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")] = "",
    ) -> None:
        """Unlink PLATFORM USER_ID, or --dealer CODE --contact WHO; --dealer alone lists."""
        from domain.catalog.model import DealerCode
        from domain.identity.unlinking import unlink

        by_account = platform is not None and user_id is not None
        if by_account == (dealer is not None) or (contact is not None and dealer is None):
            _fail("give PLATFORM USER_ID, or --dealer CODE [--contact WHO]", status=2)
        application = build()
        try:
            with application.uow_factory() as uow:
                if by_account:
                    found = uow.identities.contact_of(platform, user_id)
                    if found is None:
                        _fail(f"{platform}:{user_id} is not linked to anyone")
                else:
                    linked = uow.identities.linked_contacts(DealerCode(dealer))
                    if contact is None:
                        _list(dealer, linked)
                        return
                    found = _pick(linked, contact)
                    if found is None:
                        _fail(f"no linked account {contact!r} of dealer {dealer}")
                operator = getpass.getuser()
                dropped = unlink(
                    uow,
                    found,
                    application.clock.now(),
                    actor=f"operator:{operator}",
                    platform="cli",
                    user_id=operator,
                    reason=f"reason: {reason}" if reason else "on the command line",
                )
                uow.commit()
        finally:
            application.close()
        typer.echo(f"unlinked {found.account} ({found.name}) from {found.linked_to}")
        if dropped:
            typer.echo(f"{dropped} queued messages to it will not be sent")


def _pick(linked: list[Contact], who: str) -> Contact | None:
    for c in linked:
        if who in (str(c.identity_id), c.user_id, c.display_name):
            return c
    return None


def _list(dealer: str, linked: list[Contact]) -> None:
    if not linked:
        typer.echo(f"dealer {dealer} has no linked accounts")
    for c in linked:
        since = f"{c.linked_at:%Y-%m-%d}" if c.linked_at else "-"
        typer.echo(f"{c.identity_id:>6}  {c.account:<30} {c.name:<20} linked {since}")


def _fail(message: str, status: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(status)
