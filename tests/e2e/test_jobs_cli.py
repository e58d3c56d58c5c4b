"""`dealerbot jobs list`, `jobs run NAME` and the scheduler service, on a scratch SQLite file."""

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.scheduler import SchedulerService
from domain.shared.clock import FixedClock
from domain.shared.jobs import RunOutcome, RunTrigger
from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from storage.db import make_engine, make_session_factory, upgrade
from storage.uow import SqlAlchemyUnitOfWorkFactory
from tests.support import JOBS


def test_jobs_list_shows_every_job_and_run_reports_the_outcome(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/bot.db"\n')
    runner = CliRunner()
    listed = runner.invoke(cli, ["--config", str(config), "jobs", "list"])
    assert listed.exit_code == 0, listed.output
    for name in (
        "report_reminder",
        "target_alerts",
        "violation_digest",
        "complaint_sla",
        "contract_expiry",
        "promotion_dispatch",
    ):
        assert name in listed.output
    assert "0 9 * * mon | 0 18 L * *" in listed.output and "never" in listed.output
    ran = runner.invoke(cli, ["--config", str(config), "jobs", "run", "contract_expiry"])
    assert ran.exit_code == 0 and ": ok, 0 new messages queued" in ran.output
    again = runner.invoke(cli, ["--config", str(config), "jobs", "list"])
    assert "ok (manual, 0 messages)" in again.output
    unknown = runner.invoke(cli, ["--config", str(config), "jobs", "run", "nosuchjob"])
    assert unknown.exit_code == 2 and "unknown job" in unknown.output


def test_the_scheduler_service_catches_up_on_start_and_stops_when_told(tmp_path):
    url = f"sqlite:///{tmp_path}/bot.db"
    engine = make_engine(url)
    upgrade(url, engine=engine)
    uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    clock = FixedClock(datetime(2026, 7, 16, 0, 0, tzinfo=UTC))  # Thu 08:00 Shanghai
    options = CoreOptions()
    run_job(JOBS, uow_factory, clock, options, "contract_expiry", clock.now())
    clock.set(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))  # Fri 10:00: Fri 08:00 was missed
    app = SimpleNamespace(
        settings=Settings(), uow_factory=uow_factory, clock=clock, options=options, jobs=JOBS
    )
    service = SchedulerService(app)

    async def serve():
        stop = asyncio.Event()
        task = asyncio.create_task(service.run(stop))
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(serve())
    with uow_factory() as uow:
        last = uow.jobs.last("contract_expiry")
    assert last.trigger is RunTrigger.CATCH_UP and last.outcome is RunOutcome.OK
    assert last.occasion == datetime(2026, 7, 17, 0, 0, tzinfo=UTC)
    engine.dispose()
