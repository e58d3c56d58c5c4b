"""A notice over Slack: the admin fills `notice new` by DM with a PDF, the dealer gets it as
a file with its 已阅/确认 button through the outbox, and the press counts once."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.slack_world import start_world
from tests.support import invite, seed_catalog

PDF = b"%PDF-1.4 product training"


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock)
    yield world
    await shutdown()


async def test_a_notice_with_a_pdf_is_acknowledged_from_its_button(world, clock):
    admin, dealer = world.user("UADM"), world.user("UDLR")
    await admin.say(f"start {invite(world.app.uow_factory, clock, manager='M02')}")
    await dealer.say(f"start {invite(world.app.uow_factory, clock, dealer='D001')}")

    assert "标题" in await admin.say("notice new")
    await admin.say("A100 产品培训")
    assert "附件" in await admin.say("请阅读手册，月底前确认。")
    file = world.fake.host("A100手册.pdf", PDF)
    before = len(admin.shown())
    await admin.dm_request("", files=[file])
    await admin.event_request(
        {"type": "file_shared", "file_id": file["id"], "user_id": "UADM", "channel_id": "DUADM"},
        event_id="EvNOTICEPDF",
    )
    await world.fake.wait_for(lambda: len(admin.shown()) > before)
    await asyncio.sleep(0.3)
    assert "产品线" in admin.shown()[-1].text
    await admin.press("全部")  # lines
    await admin.say("SC")
    await admin.press("全部")  # tiers
    await admin.say("2026-07-31")
    assert "1 家经销商的 1 位联系人" in await admin.press("跳过")  # no quiz: the preview
    assert "#1 已开始发送" in await admin.press("发送")

    await world.fake.wait_for(
        lambda: any(any("已阅" in b for b, _ in m.buttons) for m in dealer.shown())
    )
    await world.fake.wait_for(lambda: PDF in world.fake.uploads.values())
    assert "已确认通知 #1" in await dealer.press("已阅")
    assert "已于" in await dealer.press("已阅")  # the same button again: counted once
    with world.app.uow_factory() as uow:
        assert sum(1 for d in uow.notices.deliveries(1) if d.acknowledged_at) == 1
    assert "已确认 1 家" in await admin.say("notice 1")
