"""Policy questions in chat: answers, forwarded questions, FAQ."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, interpreters, forms, exporters and jobs, in help order."""
    # Imported here, not at the top: importing one module of the package (its package
    # runs first) must not import the whole context.
    from handlers.policy import admin, commands, faq

    for module in (
        commands,
        faq,
        admin,
    ):
        module.install(router, jobs)
