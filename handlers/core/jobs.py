"""Scheduled jobs: one registry (name -> function of a JobContext) and the run that guards it.

A context adds its jobs in its `install(router, jobs)`; `bot.scheduler` fires them on their
cron strings (config [scheduler]) and `dealerbot jobs run NAME` runs one by hand.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.catalog.model import DealerCode
from domain.catalog.territory import DealersByRegion
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from domain.shared.clock import Clock
from domain.shared.jobs import JobRun, RunOutcome, RunTrigger
from domain.shared.ports import UnitOfWork, UnitOfWorkFactory
from handlers.core.notifier import Build, Notifier
from handlers.core.options import CoreOptions
from handlers.core.scope import visible_dealers

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a job may use: the unit of work, the time, the options, and `notify`."""

    job: str
    uow: UnitOfWork
    clock: Clock
    options: CoreOptions
    occasion: datetime  # the cron fire time this run stands for (UTC)
    previous: datetime | None = None  # occasion of the last successful run before this one
    sent: int = 0
    notes: list[str] = field(default_factory=list)
    _scopes: dict = field(default_factory=dict, repr=False)
    _placed: DealersByRegion | None = field(default=None, repr=False)

    def visible_dealers(self, scope: Scope) -> list[DealerCode] | None:
        """`handlers.core.scope.visible_dealers`, with the authorizations read once per run
        (on the first scope with regions), and each scope's list kept: a run with a thousand
        managers reads them once, not once per manager."""
        if scope not in self._scopes:
            if self._placed is None and scope.regions and not scope.everything:
                catalog = self.uow.catalog
                self._placed = DealersByRegion(catalog.placements(), catalog.region_tree())
            self._scopes[scope] = visible_dealers(self.uow, scope, self._placed)
        return self._scopes[scope]

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def tz(self) -> ZoneInfo:
        return self.options.tz

    @property
    def today(self) -> date:
        """The business day of the occasion (a catch-up run judges the day it stands for)."""
        return self.occasion.astimezone(self.tz).date()

    @property
    def notifier(self) -> Notifier:
        return Notifier(self.uow.outbox, self.clock.now, self.options.default_locale)

    def notify(self, recipient: Actor, key: str, build: Build) -> bool:
        """Queue a message once per `key` (which names job, subject and period) and chat."""
        stored = self.notifier.notify(recipient, f"{self.job}:{key}", build)
        self.sent += int(stored)
        return stored

    def notify_all(self, items: list[tuple[Actor, str, Build]]) -> int:
        """`notify` for many messages in bulk inserts (keys as for `notify`)."""
        stored = self.notifier.notify_all((a, f"{self.job}:{key}", b) for a, key, b in items)
        self.sent += stored
        return stored


JobFunc = Callable[[JobContext], None]


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    func: JobFunc
    summary: str


class Jobs:
    """The app's scheduled jobs by name; each context's `install(router, jobs)` adds its own."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def add(self, func: JobFunc, name: str) -> None:
        """Add a job; its first docstring line is shown by `dealerbot jobs list`."""
        if name in self._jobs:
            raise ValueError(f"job {name!r} added twice")
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        self._jobs[name] = Job(name, func, summary)

    def add_counting(self, func: Callable[..., int], name: str) -> None:
        """A job whose work is `func(uow, now, options) -> how many messages it queued`,
        written without a JobContext (it queues through its own helpers)."""

        def run(ctx: JobContext) -> None:
            ctx.sent += int(func(ctx.uow, ctx.now, ctx.options) or 0)

        run.__doc__ = (func.__doc__ or name).strip().splitlines()[0]
        self.add(run, name)

    def __contains__(self, name: object) -> bool:
        return name in self._jobs

    def __iter__(self):
        return iter(self._jobs)

    def __getitem__(self, name: str) -> Job:
        return self._jobs[name]

    def names(self) -> list[str]:
        return sorted(self._jobs)


def run_job(
    jobs: Jobs,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    options: CoreOptions,
    name: str,
    occasion: datetime,
    trigger: RunTrigger = RunTrigger.SCHEDULE,
) -> JobRun:
    """Run job `name` for `occasion` once: its messages and its run record commit together.

    The job's lock serializes schedulers sharing a database; a scheduled or catch-up run of
    an occasion that already succeeded is skipped. A manual run always runs, and the outbox
    dedupe keys keep it from repeating a message.
    """
    spec = jobs[name]
    started = clock.now()
    try:
        with uow_factory() as uow:
            uow.jobs.lock(name)
            if trigger is not RunTrigger.MANUAL and uow.jobs.succeeded(name, occasion):
                return JobRun(name, occasion, trigger, RunOutcome.SKIPPED, started, clock.now())
            last = uow.jobs.last(name, RunOutcome.OK, before=occasion)
            previous = last.occasion if last else None
            ctx = JobContext(name, uow, clock, options, occasion, previous)
            spec.func(ctx)
            run = JobRun(
                name,
                occasion,
                trigger,
                RunOutcome.OK,
                started,
                clock.now(),
                ctx.sent,
                "; ".join(ctx.notes),
            )
            uow.jobs.record(run)
            uow.commit()
            return run
    except Exception as exc:
        ref = uuid.uuid4().hex[:8]
        log.exception("job %s failed (ref %s)", name, ref)
        run = JobRun(
            name,
            occasion,
            trigger,
            RunOutcome.FAILED,
            started,
            clock.now(),
            0,
            f"{exc.__class__.__name__}: {exc} (ref {ref})",
        )
        with uow_factory() as uow:
            uow.jobs.record(run)
            uow.commit()
        return run
