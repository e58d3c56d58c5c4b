"""Replies stored with a dedupe key keep attachments by name only; a redelivery regenerates them."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment
from storage.models import AuditRow, InboundSeenRow
from tests.support import Chat, invite, seed_catalog

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 800  # ~200 KB, like a phone photo


@pytest.fixture
def people(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, boss = Chat(conv, "dealer1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    return dealer, boss


def file_five_photo_complaint(dealer: Chat) -> None:
    dealer.say("/complaint")
    dealer.press("质量问题")
    dealer.say("T-0001")
    dealer.say("A100")
    dealer.say("开机后屏幕闪烁，客户要求换机")
    for i in range(5):
        assert f"已收到 {i + 1} 张照片" in dealer.say(
            file=Attachment(f"p{i}.jpg", PHOTO + bytes([i]), "image/jpeg")
        )
    dealer.press("完成")
    assert "C00001" in dealer.press("普通")


def stored_size(uow_factory, key: str) -> int:
    with uow_factory() as uow:
        row = uow.session.get(InboundSeenRow, key)
        return len(json.dumps(row.replies, ensure_ascii=False).encode())


def audit_rows(uow_factory) -> int:
    with uow_factory() as uow:
        return uow.session.query(AuditRow).count()


def test_a_ticket_view_with_five_photos_is_stored_small_and_a_redelivery_shows_the_photos(
    people, uow_factory
):
    dealer, boss = people
    file_five_photo_complaint(dealer)
    first = boss.send("/ticket 1", dedupe_key="tg:1:100")
    assert [r.image.filename for r in first if r.image] == [f"p{i}.jpg" for i in range(5)]
    assert stored_size(uow_factory, "tg:1:100") < 4096
    audited = audit_rows(uow_factory)

    again = boss.send("/ticket 1", dedupe_key="tg:1:100")
    assert [r.text for r in again] == [r.text for r in first]
    assert [r.image.content for r in again if r.image] == [PHOTO + bytes([i]) for i in range(5)]
    assert [r.image.mime for r in again if r.image] == ["image/jpeg"] * 5
    assert audit_rows(uow_factory) == audited  # regenerating the photos took no effect


def test_a_target_chart_is_stored_by_name_and_drawn_again_on_redelivery(people, uow_factory):
    dealer, boss = people
    boss.say("/target set D001 2026-Q3 100000")
    first = dealer.send("/target 2026-Q3", dedupe_key="tg:1:200")
    assert first[0].image is not None and first[0].image.content.startswith(b"\x89PNG")
    assert stored_size(uow_factory, "tg:1:200") < 4096

    again = dealer.send("/target 2026-Q3", dedupe_key="tg:1:200")
    assert again[0].text == first[0].text
    assert again[0].image.content.startswith(b"\x89PNG")
    assert again[0].image.filename == first[0].image.filename


def test_an_export_is_stored_by_name_and_built_again_on_redelivery(people, uow_factory):
    dealer, boss = people
    dealer.say("/report A100 2 3500 T-0001")
    first = boss.send("/export sales 2026-07", dedupe_key="tg:1:300")
    assert first[0].document is not None
    assert stored_size(uow_factory, "tg:1:300") < 4096
    audited = audit_rows(uow_factory)

    again = boss.send("/export sales 2026-07", dedupe_key="tg:1:300")
    assert again[0].text == first[0].text
    rows = list(load_workbook(io.BytesIO(again[0].document.content)).active.values)
    assert len(rows) == 2 and "A100" in rows[1]
    assert audit_rows(uow_factory) == audited


def test_a_redelivery_whose_file_cannot_be_made_again_says_so(people, uow_factory):
    dealer, boss = people
    file_five_photo_complaint(dealer)
    boss.send("/ticket 1", dedupe_key="tg:1:400")
    with uow_factory() as uow:  # the ticket's photos are gone (e.g. removed by an operator)
        from storage.tickets.models import TicketPhotoRow

        uow.session.query(TicketPhotoRow).delete()
        uow.commit()
    again = boss.send("/ticket 1", dedupe_key="tg:1:400")
    assert all(r.image is None for r in again)
    assert "p0.jpg" in again[1].text and "重新发送" in again[1].text
