"""Approvals in chat: requests decided step by step, price exceptions on top of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, interpreters, forms, exporters and jobs, in help order."""
    # Imported here, not at the top: importing one module of the package (its package
    # runs first) must not import the whole context.
    from handlers.approvals import (
        commands,
        delegation,
        exception_form,
        exceptions,
        export,
        sla,
        terminal_proposals,
    )

    for module in (
        commands,
        delegation,
        exceptions,
        exception_form,
        terminal_proposals,
        sla,
        export,
    ):
        module.install(router, jobs)
