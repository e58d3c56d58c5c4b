"""Every notice about a violation or a decision on one names the sale it is about (number,
product, quantity, price, day, terminal), not only the violation's number."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from tests.support import JOBS, Chat, invite, seed_catalog

THE_SALE = (
    "涉及销售 #1：超声诊断仪 A100 (A100) × 2，单价 ¥2,900.00，日期 2026年7月17日，"
    "终端 华西医院 (T-0001)"
)


@pytest.fixture
def people(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    chats = {}
    for user, who in {"d1": {"dealer": "D001"}, "m1": {"manager": "M01"}}.items():
        chats[user] = Chat(conv, user)
        chats[user].say(f"/start {invite(uow_factory, clock, **who)}")
    assert "低于最低终端售价" in chats["d1"].say("/report A100 2 2900 T-0001")  # not severe
    return chats


def outbox_to(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [m.payload["text"] for m in reversed(uow.outbox.list()) if m.chat_id == chat_id]


def test_the_violation_digest_names_the_sale_of_each_violation(people, uow_factory, clock):
    clock.advance(minutes=30)
    run_job(JOBS, uow_factory, clock, CoreOptions(), "violation_digest", clock.now())
    [digest] = outbox_to(uow_factory, "m1")
    assert "#1 D001" in digest and THE_SALE in digest


def test_the_deciders_reply_and_the_dealers_notice_name_the_sale(people, uow_factory):
    answer = people["m1"].say("/violation 1 confirm")
    assert "违规 #1 → 已确认" in answer and THE_SALE in answer
    [told] = outbox_to(uow_factory, "d1")
    assert "#1" in told and THE_SALE in told
