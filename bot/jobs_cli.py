"""`dealerbot jobs list` and `jobs run NAME`: the scheduler's jobs, seen and run by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer

from domain.shared.jobs import RunOutcome

if TYPE_CHECKING:
    from bot.app import App


def print_jobs(app: App, echo: Callable[[str], None]) -> None:
    from bot.scheduler import schedules  # the scheduler's SDK only for its commands

    tz = ZoneInfo(app.settings.scheduler.timezone)
    now = app.clock.now()
    fmt = "%Y-%m-%d %H:%M"
    echo(f"{'job':<20} {'schedule':<28} {'next run':<17} last run")
    plan = {s.name: s for s in schedules(app.settings.scheduler)}
    names = sorted(set(plan) | set(app.jobs))
    with app.uow_factory() as uow:
        for name in names:
            schedule = plan.get(name)
            crons = " | ".join(schedule.crons) if schedule else "(no schedule)"
            nxt = schedule.next(now) if schedule else None
            next_text = nxt.astimezone(tz).strftime(fmt) if nxt else "-"
            if name not in app.jobs:
                echo(f"{name:<20} {crons:<28} {next_text:<17} (not installed)")
                continue
            last = uow.jobs.last(name)
            if last is None:
                last_text = "never"
            else:
                last_text = (
                    f"{last.occasion.astimezone(tz).strftime(fmt)} {last.outcome.value}"
                    f" ({last.trigger.value}, {last.messages} messages)"
                )
                if last.outcome is RunOutcome.FAILED:
                    last_text += f": {last.detail[:80]}"
            echo(f"{name:<20} {crons:<28} {next_text:<17} {last_text}")
    echo(f"times in {tz.key}")


def run_one(app: App, name: str, echo: Callable[[str], None]) -> int:
    from bot.scheduler import run_now

    try:
        run = run_now(app, name)
    except KeyError:
        echo(f"error: unknown job {name!r}; jobs: {', '.join(app.jobs.names())}")
        return 2
    tz = ZoneInfo(app.settings.scheduler.timezone)
    when = run.occasion.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    echo(f"{name} for {when}: {run.outcome.value}, {run.messages} new messages queued")
    if run.outcome is RunOutcome.FAILED:
        echo(f"error: {run.detail}")
        return 1
    return 0


def install(app: typer.Typer, build: Callable) -> None:
    """Add `jobs list` and `jobs run NAME` to `app`; `build` makes the App from the config."""
    jobs_app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)
    app.add_typer(jobs_app, name="jobs")

    @jobs_app.command("list")
    def jobs_list() -> None:
        """List scheduled jobs: schedule, next run, last run and how it ended."""
        application = build()
        try:
            print_jobs(application, typer.echo)
        finally:
            application.close()

    @jobs_app.command("run")
    def jobs_run(name: str) -> None:
        """Run job NAME now for its latest occasion (messages already queued are not repeated)."""
        application = build()
        try:
            code = run_one(application, name, typer.echo)
        finally:
            application.close()
        if code:
            raise typer.Exit(code)
