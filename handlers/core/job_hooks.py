"""Jobs whose work lives in another feature's module, found by name when that module exists.

A feature offers `run_<job>(uow, now, options) -> int` (how many things it queued) in one of
the candidate modules; it then runs on the job's schedule with the same lock and run record
as every job. A feature may instead register itself with `@handlers.core.jobs.job(NAME)`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from handlers.core.jobs import JOBS, JobContext, job

CANDIDATES = {
    "complaint_sla": ("handlers.tickets.sla", "handlers.tickets", "domain.tickets.model"),
    "promotion_dispatch": ("handlers.promotions.delivery", "domain.promotions.model"),
}


def _find(name: str) -> Callable | None:
    for module_name in CANDIDATES[name]:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        func = getattr(module, f"run_{name}", None)
        if callable(func):
            return func
    return None


def _install(name: str) -> None:
    func = _find(name)
    if func is None or name in JOBS:
        return

    def run(ctx: JobContext) -> None:
        # The feature's function queues through its own helpers, not ctx.send: count its
        # messages here, so `jobs run`, `jobs list` and job_runs report them.
        ctx.sent += int(func(ctx.uow, ctx.now, ctx.options) or 0)

    run.__doc__ = (func.__doc__ or name).strip().splitlines()[0]
    job(name)(run)


def install_hooks() -> None:
    for name in CANDIDATES:
        _install(name)
