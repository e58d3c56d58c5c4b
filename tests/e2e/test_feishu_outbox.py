"""Feishu delivery and files: the outbox dispatcher against the fake's limits and errors,
images and files in through the resources endpoint and out through uploads."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from datetime import timedelta

import pytest
from openpyxl import Workbook

from bot.transports.feishu.sender import message_uuid
from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite
from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus, OutgoingMessage
from domain.tickets.model import TicketId
from handlers.core.messages import Attachment, Reply
from storage.models import DealerRow
from tests.e2e.fake_feishu import TENANT
from tests.e2e.feishu_world import start_world
from tests.support import invite, seed_catalog

PNG = b"\x89PNG\r\n\x1a\n fake chart"
JPEG = b"\xff\xd8\xff\xe0complaint-photo"


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, clock, dispatch=False)  # the test drains it
    yield world
    await shutdown()


def enqueue(world, chat_id: str, reply: Reply, key: str = "k1") -> None:
    with world.app.uow_factory() as uow:
        uow.outbox.enqueue(
            OutgoingMessage(key, "feishu", chat_id, reply.to_dict()), world.app.clock.now()
        )
        uow.commit()


def outbox(world) -> list:
    with world.app.uow_factory() as uow:
        return uow.outbox.list(None, 500)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_outbox_delivers_once_under_the_rows_key_as_uuid(world):
    enqueue(world, "ou_1", Reply("促销开始了"), key="promo:1:ou_1")
    dispatcher = world.service.dispatcher

    assert await dispatcher.drain_once() == 1
    assert await dispatcher.drain_once() == 0

    [shown] = world.fake.to("ou_1")
    assert shown.text == "促销开始了" and shown.uuid == message_uuid("promo:1:ou_1:0")
    assert [i.status for i in outbox(world)] == [OutboxStatus.SENT]


async def test_a_send_repeated_after_a_crash_is_one_message(world):
    await world.service.sender.post("ou_1", Reply("提醒"), "row-key")
    await world.service.sender.post("ou_1", Reply("提醒"), "row-key")  # the same row again
    assert [m.text for m in world.fake.to("ou_1")] == ["提醒"]


async def test_a_429_waits_for_the_reset_header_and_then_delivers(world, clock):
    world.fake.fail(429, 99991400, reset=7)
    enqueue(world, "ou_1", Reply("目标提醒"))
    dispatcher = world.service.dispatcher
    dispatcher.pace_clock = clock

    await dispatcher.drain_once()
    (item,) = outbox(world)
    assert item.status is OutboxStatus.PENDING
    assert item.not_before == clock.now() + timedelta(seconds=7)
    assert await dispatcher.drain_once() == 0  # not before its time

    clock.advance(seconds=7)
    await dispatcher.drain_once()
    assert [i.status for i in outbox(world)] == [OutboxStatus.SENT]
    assert [m.text for m in world.fake.to("ou_1")] == ["目标提醒"]


async def test_a_server_error_is_tried_again(world, clock):
    world.fake.fail(502, 0)
    enqueue(world, "ou_1", Reply("x"))
    await world.service.dispatcher.drain_once()
    (item,) = outbox(world)
    assert item.status is OutboxStatus.PENDING and item.attempts == 1


async def test_a_user_gone_from_the_app_is_marked_undeliverable(world):
    enqueue(world, "ou_gone_1", Reply("提醒"))
    await world.service.dispatcher.drain_once()
    (item,) = outbox(world)
    assert item.status is OutboxStatus.UNDELIVERABLE and "230002" in item.last_error


async def test_a_message_feishu_refuses_fails_for_good_without_retrying(world):
    world.fake.fail(400, 230001)
    enqueue(world, "ou_1", Reply("x"))
    await world.service.dispatcher.drain_once()
    assert [i.status for i in outbox(world)] == [OutboxStatus.FAILED]


async def test_an_answer_feishu_cannot_take_now_is_delivered_later_by_the_outbox(world, clock):
    dealer = world.user("ou_dealer")
    world.fake.fail(429, 99991400, reset=3)

    frame = await world.fake.push(world.fake.message_event("ou_dealer", "text", {"text": "help"}))
    await world.fake.acked(frame)
    await world.fake.wait_for(lambda: len(outbox(world)) == 1)

    clock.advance(seconds=3)
    await world.service.dispatcher.drain_once()
    assert len(dealer.shown()) == 1
    assert [i.status for i in outbox(world)] == [OutboxStatus.SENT]


async def test_a_chart_and_a_workbook_go_out_as_an_image_and_a_file(world):
    reply = Reply(
        "7月销售", image=Attachment("chart.png", PNG), document=Attachment("sales.xlsx", b"PK..")
    )
    await world.service.send("ou_1", reply)

    assert [m.msg_type for m in world.fake.to("ou_1")] == ["text", "image", "file"]
    [image_key] = world.fake.images
    assert world.fake.images[image_key] == PNG
    [(file_type, name, content)] = world.fake.files.values()
    assert (file_type, name, content) == ("xls", "sales.xlsx", b"PK..")


async def test_a_long_text_is_split_at_line_ends(world):
    text = "\n".join(f"第 {n} 行 " + "很长的内容" * 20 for n in range(120))
    await world.service.send("ou_1", Reply(text))
    parts = [m.text for m in world.fake.to("ou_1")]
    assert len(parts) > 1 and "\n".join(parts) == text


async def test_an_export_is_received_as_an_xlsx_file(world, clock):
    manager = world.user("ou_boss")
    await manager.say(f"/start {invite(world.app.uow_factory, clock, manager='M02')}")

    await manager.say("/export violations")
    await world.fake.wait_for(lambda: any(m.msg_type == "file" for m in manager.shown()))

    [(file_type, name, content)] = world.fake.files.values()
    assert file_type == "xls" and name.endswith(".xlsx") and content.startswith(b"PK")


async def test_a_sales_sheet_sent_as_a_file_is_read_from_the_message_resources(world, clock):
    dealer = world.user("ou_dealer")
    await dealer.say(f"/start {invite(world.app.uow_factory, clock, dealer='D001')}")
    sheet = xlsx([["sku", "qty", "price", "terminal"], ["A100", 2, 3500, "T-0001"]])
    key = world.fake.host(sheet)

    said = await dealer.answer(
        world.fake.message_event("ou_dealer", "file", {"file_key": key, "file_name": "sales.xlsx"})
    )

    assert said
    assert any(path.endswith(f"/resources/{key}") for _, path in world.fake.calls)


async def test_a_complaint_with_a_photo(world, clock):
    dealer = world.user("ou_dealer")
    await dealer.say(f"/start {invite(world.app.uow_factory, clock, dealer='D001')}")

    assert "类别" in await dealer.say("/complaint")
    assert "客户或终端" in await dealer.press("质量问题")
    assert "产品" in await dealer.press("华西医院")
    assert "描述" in await dealer.say("A100")
    assert "照片" in await dealer.say("探头接触不良，图像有雪花")
    key = world.fake.host(JPEG, "image")
    said = await dealer.answer(world.fake.message_event("ou_dealer", "image", {"image_key": key}))
    assert "已收到 1 张照片" in said
    assert "紧急程度" in await dealer.press("完成")
    assert "C00001" in await dealer.press("紧急")
    with world.app.uow_factory() as uow:
        photos = uow.tickets.photos(TicketId(1))
    assert [p.content for p in photos] == [JPEG]


DEALERS = 30


def link_dealers(world) -> list[str]:
    users = [f"ou_p{n:03d}" for n in range(DEALERS)]
    with world.app.uow_factory() as uow:
        uow.session.add_all(
            DealerRow(code=f"P{n:03d}", name=f"经销商{n}", tier="A") for n in range(DEALERS)
        )
        uow.commit()
    with world.app.uow_factory() as uow:
        now = SystemClock().now()
        for n, user in enumerate(users):
            inv = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode(f"P{n:03d}"))
            uow.identities.link("feishu", f"{TENANT}:{user}", user, f"u{n}", inv, now)
        inv = issue_invite(uow, now, timedelta(hours=1), manager=ManagerCode("M02"))
        uow.identities.link("feishu", f"{TENANT}:ou_boss", "ou_boss", "boss", inv, now)
        uow.commit()
    return users


async def test_a_429_storm_during_a_broadcast_loses_nothing_and_doubles_nothing(db):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(db, SystemClock())
    try:
        users = link_dealers(world)
        world.fake.fail(429, 99991400, reset=0.3, times=12)  # a storm in the middle of it

        boss = world.user("ou_boss")
        preview = await boss.say("/broadcast 国庆期间仓库放假三天")
        assert str(DEALERS) in preview  # a broadcast to all is shown before it is sent
        await boss.press("确认")

        def reached() -> set[str]:
            return {m.open_id for m in world.fake.shown if m.open_id in set(users)}

        await world.fake.wait_for(lambda: reached() == set(users), timeout=60)
        await asyncio.sleep(0.5)
        sent = [m for m in world.fake.shown if m.open_id in set(users)]
        assert max(Counter(m.open_id for m in sent).values()) == 1
        assert all("国庆期间仓库放假三天" in m.text for m in sent)
        assert world.fake.refused == 12
        items = [i for i in outbox(world) if i.chat_id in set(users)]
        assert len(items) == DEALERS and {i.status for i in items} == {OutboxStatus.SENT}
    finally:
        await shutdown()


async def test_only_a_one_message_answer_quotes_the_users_message(world):
    body = world.fake.message_event("ou_1", "text", {"text": "hi"})
    original = body["event"]["message"]["message_id"]
    await world.service.sender.post("ou_1", Reply("好的"), "k-one", reply_to=original)
    chart = Reply("图表", image=Attachment("chart.png", PNG))
    await world.service.sender.post("ou_1", chart, "k-two", reply_to=original)
    assert [m.reply_to for m in world.fake.to("ou_1")] == [original, "", ""]
