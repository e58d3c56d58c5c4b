"""Fees in chat: budgets, the request and claim forms, their approval outcomes, jobs, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.core.jobs import Jobs
    from handlers.core.router import Router


def install(router: Router, jobs: Jobs) -> None:
    """Add this context's commands, forms, approval outcomes, jobs and export."""
    from handlers.fees import claim_form, commands, export, outcomes, periodic, request_form

    for module in (commands, request_form, claim_form, outcomes, periodic, export):
        module.install(router, jobs)
