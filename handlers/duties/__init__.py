"""Duties in chat: the reporting calendar's reminders and overdue notices, /duties and its
export, the financial statement template, uploads and /statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, job, export and statement uploads."""
    from handlers.duties import (
        commands,
        deadlines,
        export,
        statement_views,
        template,
        typed,
        upload,
    )

    for module in (commands, template, upload, typed, statement_views, deadlines, export):
        module.install(router, jobs)
