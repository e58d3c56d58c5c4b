"""The contexts the bot is made of, in the order they are installed (and listed in help).

The composition root (`bot.app.build_app`) builds the app's router and jobs from this list;
a test may build its own from any subset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handlers import (
    approvals,
    catalog,
    core,
    decisions,
    deposits,
    duties,
    evaluation,
    fees,
    identity,
    notices,
    onboarding,
    policy,
    promotions,
    rebates,
    sales,
    targets,
    tickets,
    violations,
)
from handlers.core.jobs import Jobs
from handlers.core.router import Router

CONTEXTS = (
    identity,
    catalog,
    sales,
    violations,
    targets,
    tickets,
    promotions,
    policy,
    approvals,
    onboarding,
    deposits,
    decisions,
    rebates,
    notices,
    fees,
    duties,
    evaluation,
    core,
)


@dataclass(frozen=True, slots=True)
class Installed:
    router: Router
    jobs: Jobs


def build(contexts=None, kept: Iterable[object] = ()) -> Installed:
    """A router and jobs with every context of `contexts` (default: CONTEXTS) installed, in
    order; the router keeps `kept` (what the app built for its contexts)."""
    router, jobs = Router(), Jobs()
    for thing in kept:
        router.keep(thing)
    for context in CONTEXTS if contexts is None else contexts:
        context.install(router, jobs)
    return Installed(router, jobs)
