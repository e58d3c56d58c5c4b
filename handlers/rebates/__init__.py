"""Rebates in chat: a dealer's tiers and what-if, period-end settlements, nudges, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's command, text reader, approval outcome, jobs and export."""
    from handlers.rebates import commands, export, periodic

    for module in (commands, periodic, export):
        module.install(router, jobs)
