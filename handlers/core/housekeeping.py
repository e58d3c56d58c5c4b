"""housekeeping: forget what is kept only to make inbound updates take effect once."""

from __future__ import annotations

from datetime import timedelta

from handlers.core.jobs import JobContext, Jobs
from handlers.core.router import Router

# Telegram keeps an unconfirmed update for 24 hours and Slack retries within minutes, so a
# dedupe key older than two weeks can never be redelivered; its stored replies (which may
# carry charts and spreadsheets) are dead weight.
DEDUPE_KEEP = timedelta(days=14)
INVITE_TRIES_KEEP = timedelta(days=1)  # the limit counts tries of the last hour


def housekeeping(ctx: JobContext) -> None:
    """Drop old dedupe keys and their stored replies, old inbox rows, expired forms and old
    invite tries."""
    now = ctx.now
    keys = ctx.uow.inbound.forget_before(now - DEDUPE_KEEP)
    # An inbox row is answered within seconds; after two weeks it is history, done or not.
    inbox = ctx.uow.inbox.forget_before(now - DEDUPE_KEEP)
    forms = ctx.uow.forms.purge_expired(now)
    tries = ctx.uow.invites.forget_tries_before(now - INVITE_TRIES_KEEP)
    ctx.notes.append(f"dedupe keys {keys}, forms {forms}, invite tries {tries}, inbox rows {inbox}")


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(housekeeping, "housekeeping")
