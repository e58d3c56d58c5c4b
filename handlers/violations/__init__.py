"""Violations in chat: review, decisions, price exceptions, digests, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, interpreters, forms, exporters and jobs, in help order."""
    # Imported here, not at the top: importing one module of the package (its package
    # runs first) must not import the whole context.
    from handlers.violations import appeals, commands, digest, export

    for module in (
        commands,
        appeals,
        export,
        digest,
    ):
        module.install(router, jobs)
