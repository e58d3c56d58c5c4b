"""A dealer on Slack gets the statement template, sends it back filled in, and has it checked."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.e2e.slack_world import start_world
from tests.support import invite, seed_catalog


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    clock.set(datetime(2026, 7, 10, 2, 0, tzinfo=UTC))  # before June's statements are due
    world, shutdown = await start_world(db, clock)
    yield world
    await shutdown()


async def send_back(world, dealer, name: str, **cells) -> str:
    """Ask for the template, fill it in as a dealer would, send it back by DM."""
    said = await dealer.say("template financial")
    assert "财务报表模板" in said
    [sent] = [m for m in dealer.last if m.kind == "file"]
    await world.fake.wait_for(lambda: sent.body["file_id"] in world.fake.uploads)
    book = load_workbook(io.BytesIO(world.fake.uploads[sent.body["file_id"]]))
    ws = book.active
    for ref, value in {"B5": 500000, "B6": 380000, "B8": 1, "B9": 2, "B10": 3, **cells}.items():
        ws[ref] = value
    buf = io.BytesIO()
    book.save(buf)
    file = world.fake.host(name, buf.getvalue())
    before = len(dealer.shown())
    await dealer.dm_request("", files=[file])
    await dealer.event_request(
        {"type": "file_shared", "file_id": file["id"], "user_id": "UDLR", "channel_id": "DUDLR"},
        event_id=f"EvFILE{name}",
    )
    await world.fake.wait_for(lambda: len(dealer.shown()) > before)
    await asyncio.sleep(0.3)
    return "\n".join(m.text for m in dealer.shown()[before:])


async def linked_dealer(world, clock):
    dealer = world.user("UDLR")
    await dealer.say(f"start {invite(world.app.uow_factory, clock, dealer='D001')}")
    return dealer


async def test_a_dealer_sends_the_filled_template_and_it_is_filed(world, clock):
    dealer = await linked_dealer(world, clock)
    answer = await send_back(world, dealer, "financial-D001-2026-06.xlsx")
    assert "已收到 2026-06 财务报表（按时）" in answer and "现金：¥3.00" in answer
    with world.app.uow_factory() as uow:
        [s] = uow.duties.statements("D001")
    assert s.figures.revenue == 500000 and s.source.value == "xlsx"


async def test_a_sheet_with_problems_is_named_and_not_stored(world, clock):
    dealer = await linked_dealer(world, clock)
    answer = await send_back(world, dealer, "financial-D001-2026-06.xlsx", B2="D002", B5="n/a")
    assert "没有保存，发现 2 个问题" in answer and "不是您的 D001" in answer
    with world.app.uow_factory() as uow:
        assert uow.duties.statements("D001") == []
