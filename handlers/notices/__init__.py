"""Notices and training in chat: the notice form, delivery with its attachment and
acknowledge button, dealers' list and quizzes, managers' view, the reminder job, the export."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, forms, exporter and job, in help order."""
    from handlers.notices import dealer, export, form, linking, loading, manager, reminders

    for module in (manager, form, loading, dealer, linking, reminders, export):
        module.install(router, jobs)
