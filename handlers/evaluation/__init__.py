"""Evaluation in chat: quarter-end scorecards drafted, signed off, published, appealed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, job, approval outcome and export."""
    from handlers.evaluation import drafting, export, scores, signoff

    for module in (scores, drafting, signoff, export):
        module.install(router, jobs)
