"""Honest input leaves honest records: a withdrawn or corrected sale settles its open
violations, every violation shows the report it came from, and every notice about a
violation names the sale."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.core.conversation import Conversation
from storage.sales.models import ViolationRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def conv(uow_factory, clock):
    seed_catalog(uow_factory)
    return Conversation(uow_factory, clock)


def linked(conv, uow_factory, clock, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


@pytest.fixture
def dealer(conv, uow_factory, clock):
    return linked(conv, uow_factory, clock, "d1", dealer="D001")


@pytest.fixture
def boss(conv, uow_factory, clock):
    return linked(conv, uow_factory, clock, "boss", manager="M01")


def statuses(uow_factory) -> list[str]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(ViolationRow.status).order_by(ViolationRow.id)))


def outbox_texts(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [i.payload["text"] for i in uow.outbox.list() if i.chat_id == chat_id]


def test_withdrawing_a_sale_marks_its_open_violation_withdrawn(dealer, boss, uow_factory):
    dealer.say("/report A100 1 2900 T-0001")  # 3.3% under the floor: one violation
    assert statuses(uow_factory) == ["open"]
    dealer.say("/withdraw 1")
    assert statuses(uow_factory) == ["withdrawn"]
    listing = boss.say("/violations")
    assert "已撤回" in listing
    assert "没有" in boss.say("/violations open")
    [reply] = boss.send("/export violations 2026-07")
    ws = load_workbook(io.BytesIO(reply.document.content)).active
    assert "已撤回（销售已撤回）" in [c.value for c in ws[2]]


def test_correcting_a_sale_supersedes_its_violation_and_the_new_one_is_judged_afresh(
    dealer, boss, uow_factory
):
    dealer.say("/report A100 1 2900 T-0001")
    dealer.say("/correct 1 1 3100")
    assert statuses(uow_factory) == ["superseded"]
    assert "已被更正取代" in boss.say("/violation 1")


def test_a_manager_confirms_a_withdrawn_sales_violation_only_with_a_reason(
    dealer, boss, uow_factory
):
    dealer.say("/report A100 1 2900 T-0001")
    dealer.say("/withdraw 1")
    assert "原因" in boss.say("/violation 1 confirm")
    assert statuses(uow_factory) == ["withdrawn"]
    boss.say("/violation 1 confirm 撤回前已发货")
    assert statuses(uow_factory) == ["confirmed"]


def test_a_guided_form_sales_violation_shows_the_report_it_came_from(dealer, boss):
    dealer.say("/report")
    dealer.press("A100")
    dealer.say("2")
    dealer.say("2900")
    dealer.press("华西医院")
    dealer.press("确认")
    details = boss.say("/violation 1")
    assert "原始上报：-" not in details
    assert "A100" in details and "2,900" in details and "T-0001" in details


def test_every_notice_about_a_violation_names_the_sale(dealer, boss, uow_factory):
    dealer.say("/report A100 2 2500 T-0001")  # severe, to the dealer's manager at once
    dealer.press("确定")  # asked again, being far under the floor
    [alert] = outbox_texts(uow_factory, boss.user_id)
    for part in ("#1", "A100", "华西医院", "2026年7月17日"):
        assert part in alert, part
    boss.say("/violation 1 dismiss 录入错误")
    boss.press("确认")  # a severe violation's dismissal is confirmed first
    [told] = outbox_texts(uow_factory, dealer.user_id)
    for part in ("#1", "A100", "华西医院", "2026年7月17日"):
        assert part in told, part
