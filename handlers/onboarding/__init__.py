"""Becoming a dealer: the application, its review along the policy's chain, the filing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, interpreters, forms, exporters and outcomes."""
    from handlers.onboarding import commands

    commands.install(router, jobs)
