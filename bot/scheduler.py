"""The scheduler: fires each registered job on its cron strings, in the business timezone.

APScheduler 3 keeps its jobs in a MemoryJobStore per process (a job store must never be
shared between processes); what ran is recorded in our own `job_runs` table instead, and
`handlers.core.jobs.run_job` takes the job's database lock, so several schedulers on one
database still run each occasion once. A fire time missed while no scheduler ran is run
once at start (coalesced: only the latest missed occasion).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.app import App
from bot.config import SchedulerSettings
from bot.cron import parse_cron
from domain.shared.jobs import JobRun, RunOutcome, RunTrigger
from handlers.core.jobs import Jobs, run_job

log = logging.getLogger(__name__)

# Config keys that add a second schedule to a job (the key itself names no job).
EXTRA_SCHEDULES = {"target_alerts_month_end": "target_alerts"}


@dataclass(frozen=True)
class Schedule:
    name: str
    crons: tuple[str, ...]
    triggers: tuple[CronTrigger, ...]

    def previous(self, now: datetime) -> datetime | None:
        """The latest fire time not after `now`, of any of the job's crons."""
        found = [t for t in (previous_fire(tr, now) for tr in self.triggers) if t is not None]
        return max(found) if found else None

    def next(self, now: datetime) -> datetime | None:
        found = [t for t in (tr.get_next_fire_time(None, now) for tr in self.triggers) if t]
        return min(found) if found else None


_WINDOWS = (
    timedelta(minutes=2),
    timedelta(hours=2),
    timedelta(days=2),
    timedelta(days=40),
    timedelta(days=400),
    timedelta(days=1500),
)


def previous_fire(trigger: CronTrigger, now: datetime) -> datetime | None:
    """Walk forward from growing windows before `now`; each walk is a few steps."""
    for window in _WINDOWS:
        fire = trigger.get_next_fire_time(None, now - window)
        last = None
        while fire is not None and fire <= now:
            last = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if last is not None:
            return last.astimezone(ZoneInfo("UTC"))
    return None


def schedules(settings: SchedulerSettings) -> list[Schedule]:
    """Every job that has cron strings in the config, registered or not."""
    tz = ZoneInfo(settings.timezone)
    crons: dict[str, list[str]] = {}
    for key, value in settings.model_dump().items():
        if key in ("enabled", "timezone") or not isinstance(value, str) or not value.strip():
            continue
        crons.setdefault(EXTRA_SCHEDULES.get(key, key), []).append(value)
    return [
        Schedule(name, tuple(c), tuple(parse_cron(e, tz) for e in c)) for name, c in crons.items()
    ]


def installed(settings: SchedulerSettings, jobs: Jobs) -> list[Schedule]:
    return [s for s in schedules(settings) if s.name in jobs]


def run_now(app: App, name: str, trigger: RunTrigger = RunTrigger.MANUAL) -> JobRun:
    """Run job `name` for its latest occasion (now, when it has no schedule)."""
    if name not in app.jobs:
        raise KeyError(name)
    now = app.clock.now()
    found = {s.name: s for s in schedules(app.settings.scheduler)}
    occasion = found[name].previous(now) if name in found else None
    return run_job(
        app.jobs, app.uow_factory, app.clock, app.options, name, occasion or now, trigger
    )


def catch_up(app: App, plan: list[Schedule]) -> list[JobRun]:
    """Run once each job whose latest occasion passed while no scheduler was running.

    A job that never ran has missed nothing: it waits for its next fire time.
    """
    now = app.clock.now()
    runs = []
    for schedule in plan:
        occasion = schedule.previous(now)
        if occasion is None:
            continue
        with app.uow_factory() as uow:
            last = uow.jobs.last(schedule.name, RunOutcome.OK)
        if last is None or last.occasion >= occasion:
            continue
        runs.append(
            run_job(
                app.jobs,
                app.uow_factory,
                app.clock,
                app.options,
                schedule.name,
                occasion,
                RunTrigger.CATCH_UP,
            )
        )
    return runs


class SchedulerService:
    name = "scheduler"

    def __init__(self, app: App) -> None:
        self.app = app
        self.plan = installed(app.settings.scheduler, app.jobs)

    async def fire(self, name: str) -> JobRun | None:
        schedule = next(s for s in self.plan if s.name == name)
        occasion = schedule.previous(self.app.clock.now())
        if occasion is None:
            return None
        a = self.app
        run = await asyncio.to_thread(
            run_job, a.jobs, a.uow_factory, a.clock, a.options, name, occasion, RunTrigger.SCHEDULE
        )
        if run.outcome is RunOutcome.FAILED:
            log.error("job %s failed: %s", name, run.detail)
        return run

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.to_thread(catch_up, self.app, self.plan)
        tz = ZoneInfo(self.app.settings.scheduler.timezone)
        scheduler = AsyncIOScheduler(
            timezone=tz,
            jobstores={"default": MemoryJobStore()},
            executors={"default": AsyncIOExecutor()},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        for schedule in self.plan:
            for i, trigger in enumerate(schedule.triggers):
                scheduler.add_job(
                    self.fire, trigger, args=[schedule.name], id=f"{schedule.name}:{i}"
                )
        scheduler.start()
        log.info("scheduler started: %s", ", ".join(s.name for s in self.plan))
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)


def build(app: App) -> SchedulerService:
    return SchedulerService(app)
