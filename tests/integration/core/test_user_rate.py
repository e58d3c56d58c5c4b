"""The per-user message rate: a token bucket in the database, shared by every core process."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from handlers.core.conversation import Conversation
from handlers.core.options import CoreOptions
from storage.db import make_engine, make_session_factory
from storage.models import AuditRow, SaleRow
from storage.uow import SqlAlchemyUnitOfWorkFactory
from tests.support import Chat, invite, seed_catalog

# Six a minute (one every 10 s), three at once.
OPTIONS = CoreOptions(user_rate_per_minute=6, user_burst=3)


@pytest.fixture
def dealer(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    code = invite(uow_factory, clock, dealer="D001")
    chat = Chat(Conversation(uow_factory, clock, OPTIONS), "dealer1")
    clock.advance(minutes=1)
    chat.say(f"/start {code}")
    clock.advance(minutes=1)  # a full bucket again
    return chat


def refusals(uow_factory) -> list[str]:
    with uow_factory() as uow:
        rows = uow.session.scalars(select(AuditRow).where(AuditRow.action == "rate.refused"))
        return [r.detail for r in rows]


def sales(uow_factory) -> int:
    with uow_factory() as uow:
        return len(uow.session.scalars(select(SaleRow)).all())


def test_over_the_burst_a_user_is_told_once_and_further_refusals_are_silent_but_audited(
    dealer, uow_factory
):
    for _ in range(3):
        assert "/report" in dealer.say("/help")
    told = dealer.say("/help")
    assert "太快" in told and "10 秒" in told
    assert dealer.send("/help") == []
    assert dealer.send("/help") == []
    assert refusals(uow_factory) == ["told", "silent", "silent"]


def test_a_refused_message_takes_no_effect(dealer, uow_factory):
    for _ in range(3):
        dealer.say("/help")
    assert "太快" in dealer.say("/report A100 2 3500 T-0001")
    assert dealer.send("/report A100 2 3500 T-0001") == []
    assert sales(uow_factory) == 0


def test_the_bucket_refills_with_time_and_a_later_refusal_is_told_again(dealer, uow_factory, clock):
    for _ in range(3):
        dealer.say("/help")
    assert "太快" in dealer.say("/help")
    clock.advance(seconds=10)
    assert "已记录" in dealer.say("/report A100 2 3500 T-0001")
    assert dealer.send("/help") == []  # within the minute of the first refusal
    clock.advance(seconds=61)
    assert "已记录" in dealer.say("/report A100 2 3500 T-0001")
    for _ in range(2):
        dealer.say("/help")
    assert "太快" in dealer.say("/help")  # a new minute: told again
    assert sales(uow_factory) == 2


def test_bad_input_uses_up_the_bucket_too(dealer, uow_factory):
    for _ in range(3):
        assert "数量" in dealer.say("/report A100 zero 3500 T-0001")
    assert "太快" in dealer.say("/help")


def test_a_redelivered_update_is_not_counted_again(dealer):
    for _ in range(3):
        dealer.say("/help", dedupe_key="tg:1:1")
    dealer.say("/help", dedupe_key="tg:1:2")
    dealer.say("/help", dedupe_key="tg:1:3")
    assert "太快" in dealer.say("/help", dedupe_key="tg:1:4")
    assert "太快" in dealer.say("/help", dedupe_key="tg:1:4")  # the same answer again


def test_two_core_processes_on_one_database_share_the_bucket(db, dealer, clock):
    other_engine = make_engine(db.url)  # what a second worker process has: its own engine
    try:
        other = SqlAlchemyUnitOfWorkFactory(make_session_factory(other_engine))
        second = Chat(Conversation(other, clock, OPTIONS), "dealer1")
        dealer.say("/help")
        second.say("/help")
        dealer.say("/help")
        assert "太快" in second.say("/help")
    finally:
        other_engine.dispose()


def test_concurrent_messages_of_one_user_are_admitted_no_more_than_the_burst(
    db, uow_factory, clock
):
    seed_catalog(uow_factory)
    conversation = Conversation(
        uow_factory, clock, CoreOptions(user_rate_per_minute=1, user_burst=5)
    )
    answers: list[str] = []
    barrier = threading.Barrier(12)

    def send(n: int) -> None:
        chat = Chat(conversation, "flooder")
        barrier.wait()
        answers.append(chat.say("/help", dedupe_key=f"tg:9:{n}"))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum("/start" in a for a in answers) == 5
    assert sum("太快" in a for a in answers) == 1
