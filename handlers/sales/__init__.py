"""Sales and stock reporting in chat: commands, forms, drafts, uploads (their deadlines are
the duties context's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, interpreters, forms, exporters and jobs, in help order."""
    # Imported here, not at the top: importing one module of the package (its package
    # runs first) must not import the whole context.
    from handlers.sales import (
        drafts,
        edits,
        export,
        form,
        own,
        report,
        stock,
        stock_views,
        upload,
    )

    for module in (
        report,
        form,
        edits,
        stock,
        own,
        drafts,
        upload,
        export,
        stock_views,
    ):
        module.install(router, jobs)
