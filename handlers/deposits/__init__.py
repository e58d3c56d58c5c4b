"""Deposits in chat: the dealer's balance against its contract, managers' entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, approval outcome and jobs, in help order."""
    from handlers.deposits import commands, shortfall

    for module in (commands, shortfall):
        module.install(router, jobs)
