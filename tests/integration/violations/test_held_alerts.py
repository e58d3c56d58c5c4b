"""A severe violation nobody over the dealer's region can be told of is held for the
region's managers and admins: the receipt says so and for whom, the first of them to link
gets it at once, and every violation digest carries it until someone has it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.sales.model import ViolationId, ViolationStatus
from domain.shared.jobs import RunTrigger
from handlers.core.conversation import Conversation
from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.support import JOBS, Chat, invite, seed_catalog


@pytest.fixture
def conv(uow_factory, clock):
    seed_catalog(uow_factory)
    return Conversation(uow_factory, clock)


def linked(conv, uow_factory, clock, user, **who) -> tuple[Chat, str]:
    chat = Chat(conv, user)
    return chat, chat.say(f"/start {invite(uow_factory, clock, **who)}")


def outbox_to(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [m.payload["text"] for m in reversed(uow.outbox.list()) if m.chat_id == chat_id]


def severe_sale(dealer: Chat) -> str:
    return dealer.say("/report A100 1 3000 T-0012")  # 窜货: a severe violation


def digest(uow_factory, clock, **options):
    return run_job(
        JOBS, uow_factory, clock, CoreOptions(**options), "violation_digest", clock.now()
    )


def test_the_receipt_says_the_alert_is_queued_and_names_whom_for(conv, uow_factory, clock):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    answer = severe_sale(dealer)
    assert "窜货" in answer and "已排队" in answer
    assert "王经理（销售经理）、李总（管理员）" in answer
    assert "已即时通知" not in answer
    with uow_factory() as uow:
        assert uow.outbox.list() == []
        assert uow.held_alerts.undelivered() == [1]


def test_the_first_manager_to_link_gets_the_held_alert_with_the_sale_and_buttons(
    conv, uow_factory, clock
):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    severe_sale(dealer)
    _, welcome = linked(conv, uow_factory, clock, "m1", manager="M01")
    assert "1 条严重违规在等您处理" in welcome
    [alert] = outbox_to(uow_factory, "m1")
    assert "严重违规 #1" in alert and "华西医疗" in alert
    assert "涉及销售 #1：超声诊断仪 A100 (A100) × 1" in alert and "瑞金医院 (T-0012)" in alert
    with uow_factory() as uow:
        [item] = uow.outbox.list()
        assert "c:violation 1 confirm" in str(item.payload)
        assert uow.held_alerts.undelivered() == []
    # The admin links later: someone has it already, so nothing is owed to them.
    _, welcome = linked(conv, uow_factory, clock, "m2", manager="M02")
    assert "等您处理" not in welcome and outbox_to(uow_factory, "m2") == []


def test_linking_twice_or_a_replayed_start_sends_the_held_alert_once(conv, uow_factory, clock):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    severe_sale(dealer)
    boss, _ = linked(conv, uow_factory, clock, "m1", manager="M01")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    assert len(outbox_to(uow_factory, "m1")) == 1


def test_a_held_alert_decided_meanwhile_is_not_put_to_whoever_links(conv, uow_factory, clock):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    severe_sale(dealer)
    with uow_factory() as uow:
        uow.violations.decide(
            ViolationId(1), ViolationStatus.DISMISSED, None, "核实无误", "manager:M02", clock.now()
        )
        uow.commit()
    _, welcome = linked(conv, uow_factory, clock, "m1", manager="M01")
    assert "等您处理" not in welcome and outbox_to(uow_factory, "m1") == []
    with uow_factory() as uow:  # nothing is owed any more, to anyone
        assert uow.held_alerts.undelivered() == []


def test_the_digest_carries_a_held_alert_until_a_manager_has_it(conv, uow_factory, clock):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    severe_sale(dealer)
    # A manager added to the region afterwards was not among those it was held for.
    with uow_factory() as uow:
        sc = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SC"))
        m4 = ManagerRow(code="M04", name="赵总监", role="regional_director")
        m4.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(m4)
        uow.commit()
    clock.advance(hours=3)  # far outside the digest's window
    assert digest(uow_factory, clock).messages == 0  # nobody linked: still held
    with uow_factory() as uow:
        assert uow.held_alerts.undelivered() == [1]
    _, welcome = linked(conv, uow_factory, clock, "m4", manager="M04")
    assert "等您处理" not in welcome
    clock.advance(hours=1)
    assert digest(uow_factory, clock).messages == 1
    [text] = outbox_to(uow_factory, "m4")
    assert "#1" in text and "尚未通知到任何人" in text and "涉及销售 #1" in text
    with uow_factory() as uow:
        assert uow.held_alerts.undelivered() == []
    clock.advance(hours=1)
    assert digest(uow_factory, clock).messages == 0  # delivered: not carried again


def test_a_second_scheduler_running_the_same_digest_sends_nothing_more(conv, uow_factory, clock):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    severe_sale(dealer)
    with uow_factory() as uow:
        sc = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SC"))
        m4 = ManagerRow(code="M04", name="赵总监", role="regional_director")
        m4.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(m4)
        uow.commit()
    linked(conv, uow_factory, clock, "m4", manager="M04")
    clock.advance(hours=1)
    first = digest(uow_factory, clock)
    again = run_job(
        JOBS, uow_factory, clock, CoreOptions(), "violation_digest", clock.now(), RunTrigger.MANUAL
    )
    assert first.messages == 1 and again.messages == 0
    assert len(outbox_to(uow_factory, "m4")) == 1


def test_with_a_manager_linked_nothing_is_held(conv, uow_factory, clock):
    linked(conv, uow_factory, clock, "m1", manager="M01")
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    answer = severe_sale(dealer)
    assert "已即时通知您的 1 位经理" in answer and "已排队" not in answer
    with uow_factory() as uow:
        assert uow.held_alerts.undelivered() == []


def test_in_english_the_receipt_names_whom_the_alert_waits_for(conv, uow_factory, clock):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    dealer.say("/lang en")
    answer = severe_sale(dealer)
    assert "queued for 王经理 (sales manager), 李总 (administrator)" in answer


def test_a_product_line_manager_gets_a_held_alert_of_their_line_from_the_digest(
    conv, uow_factory, clock
):
    dealer, _ = linked(conv, uow_factory, clock, "d1", dealer="D001")
    severe_sale(dealer)  # A100: line IMG
    with uow_factory() as uow:
        sc = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SC"))
        for code, line in (("M06", "MON"), ("M07", "IMG")):
            row = ManagerRow(code=code, name=code, role="product_line_manager", lines=line)
            row.regions.append(ManagerRegionRow(region=sc))
            uow.session.add(row)
        uow.commit()
    linked(conv, uow_factory, clock, "mon", manager="M06")
    linked(conv, uow_factory, clock, "img", manager="M07")
    clock.advance(hours=3)  # the violation is older than the digest's window
    assert digest(uow_factory, clock).messages == 1
    assert outbox_to(uow_factory, "mon") == [] and len(outbox_to(uow_factory, "img")) == 1
