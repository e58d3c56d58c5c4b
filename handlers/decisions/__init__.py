"""Decisions in chat: the receipt with its undo button, and `/undo ID [REASON]`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, in help order."""
    from handlers.decisions import commands

    commands.install(router, jobs)
