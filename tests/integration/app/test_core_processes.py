"""The core in worker processes (bot/core_process.py): answers in order over the socket
pair, a worker that dies fails only what it held, and the next update gets a new worker."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta

import pytest

from bot.config import DatabaseSettings, Settings
from bot.core_process import CoreProcesses, WorkerDied
from domain.catalog.model import DealerCode
from domain.identity.invites import issue_invite
from handlers.core.messages import Inbound
from tests.support import seed_catalog


def _report(n: int) -> Inbound:
    return Inbound("telegram", "1", "1", text=f"/report A100 {n} 3500 T-0001", dedupe_key=f"u{n}")


@pytest.fixture
def linked_dealer(db, clock):
    seed_catalog(db.uow_factory)
    with db.uow_factory() as uow:
        now = clock.now()
        code = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode("D001"))
        uow.identities.link("telegram", "1", "1", "dealer", code, now)
        uow.commit()
    return Settings(database=DatabaseSettings(url=db.url))


async def _wait_until(predicate, what: str, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def test_updates_sent_together_are_answered_each_to_its_own(linked_dealer):
    core = CoreProcesses(linked_dealer, 1)
    await core.start()
    try:
        answers = await asyncio.gather(*(core.handle(_report(n)) for n in range(1, 21)))
        texts = [a[0].text for a in answers]
        # each answer names its own quantity, in the order asked: no reply crossed over
        assert all(f"× {n}，" in text for n, text in zip(range(1, 21), texts, strict=True))
        assert len({t.split("#")[1].split("（")[0] for t in texts}) == 20  # 20 sale numbers
    finally:
        await core.close()
    assert core.pids == []


async def test_a_worker_that_dies_fails_what_it_held_and_is_replaced(linked_dealer, db):
    core = CoreProcesses(linked_dealer, 1)
    await core.start()
    try:
        first = await core.handle(_report(1))
        assert "#1" in first[0].text
        [pid] = core.pids
        os.kill(pid, signal.SIGSTOP)  # holds the next update without answering it
        held = asyncio.ensure_future(core.handle(_report(2)))
        await asyncio.sleep(0.2)
        assert not held.done()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerDied):
            await asyncio.wait_for(held, 10)
        await _wait_until(lambda: core.pids == [], "the dead worker to be noticed")

        again = await asyncio.wait_for(core.handle(_report(3)), 60)  # a new worker
        assert "#2" in again[0].text  # the held update never committed
        assert core.pids and core.pids != [pid]
    finally:
        await core.close()


async def test_a_worker_that_cannot_start_stops_the_start_with_its_exit_code(tmp_path):
    # A database URL the worker cannot open: build_app fails in the worker.
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{tmp_path}/no/such/dir.db"))
    core = CoreProcesses(settings, 1)
    with pytest.raises(WorkerDied, match="exit code 1"):
        await asyncio.wait_for(core.start(), 60)
    await core.close()


def test_workers_warm_up_the_policy_search_when_this_process_does(db):
    from bot.app import build_app
    from bot.config import TelegramSettings
    from bot.transports.telegram.service import TelegramService

    settings = Settings(
        database=DatabaseSettings(url=db.url), telegram=TelegramSettings(token="1:TEST")
    )
    app = build_app(settings, migrate=False, engine=db.engine)
    app.knowledge.warm_up_requested = False  # as in tests
    service = TelegramService(app)
    assert service.core is not None and service.core.warm_policy is False
    app.knowledge.warm_up_requested = True  # `dealerbot run` warmed up
    service = TelegramService(app)
    assert service.core is not None and service.core.warm_policy is True
