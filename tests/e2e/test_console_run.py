"""`dealerbot run` without credentials: the console service on a freshly seeded database."""

from __future__ import annotations

import asyncio
import io
import os
import re

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.serving import (
    CONSOLE,
    ConsoleService,
    UnknownTransport,
    build_run_services,
    choose_transports,
)


@pytest.fixture
def app(tmp_path, clock):
    settings = Settings(database={"url": f"sqlite:///{tmp_path}/run.db"})
    application = build_app(settings, clock=clock)
    yield application
    application.close()


def test_with_no_credentials_the_console_is_served_and_the_demo_seeded(app):
    said: list[str] = []
    services = build_run_services(app, choose_transports(app, []), False, said.append)
    assert [s.name for s in services] == [CONSOLE]
    assert "seeded demo data" in said[0]
    code = re.search(r"dealer D001:\s+/start (\S+)", "\n".join(said))[1]

    out = io.StringIO()
    service = ConsoleService(app, stdin=io.StringIO(f"/start {code}\n/help\n"), stdout=out)
    asyncio.run(asyncio.wait_for(service.run(asyncio.Event()), 30))  # ends at end of input
    assert "成都华西医疗器械有限公司" in out.getvalue()

    said.clear()
    build_run_services(app, [CONSOLE], False, said.append)
    assert not any("seeded" in line for line in said)  # not empty any more


def test_the_console_stops_when_told_even_while_waiting_for_input(app):
    read_end, write_end = os.pipe()  # input that never ends
    with os.fdopen(read_end, encoding="utf-8") as stdin:
        service = ConsoleService(app, stdin=stdin, stdout=io.StringIO())

        async def scenario() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(service.run(stop))
            await asyncio.sleep(0.2)
            stop.set()
            await asyncio.wait_for(task, 5)

        asyncio.run(scenario())
        os.close(write_end)


def test_a_transport_is_served_only_when_it_exists_and_is_configured(app):
    assert choose_transports(app, ["console", "console"]) == ["console"]
    with pytest.raises(UnknownTransport, match="unknown transport 'fax'"):
        choose_transports(app, ["fax"])
    with pytest.raises(UnknownTransport, match="no credentials"):
        choose_transports(app, ["slack"])
