"""The outbox's idle poll: `any_due` answers what `claim_due` would find, and on SQLite it
reads without the write lock, so polling never holds up the core's writers."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from domain.shared.outbox import OutgoingMessage
from storage.models import OutboxRow


def _enqueue(uow_factory, now, key: str, platform: str = "telegram", chat: str = "1") -> None:
    with uow_factory() as uow:
        uow.outbox.enqueue(OutgoingMessage(key, platform, chat, {"text": key}), now)
        uow.commit()


def _any_due(uow_factory, now, platform: str = "telegram", chat_id: str | None = None) -> bool:
    with uow_factory() as uow:
        return uow.outbox.any_due(platform, now, chat_id=chat_id)


def test_any_due_agrees_with_claim_due(uow_factory, clock):
    now = clock.now()
    assert _any_due(uow_factory, now) is False
    _enqueue(uow_factory, now, "a", platform="slack")
    assert _any_due(uow_factory, now) is False  # another platform's message
    assert _any_due(uow_factory, now, platform="slack") is True
    _enqueue(uow_factory, now, "b", chat="7")
    assert _any_due(uow_factory, now) is True
    assert _any_due(uow_factory, now, chat_id="7") is True
    assert _any_due(uow_factory, now, chat_id="8") is False

    with uow_factory() as uow:
        claimed = uow.outbox.claim_due("telegram", now, 10, "w1", lease_seconds=60)
        uow.commit()
    assert [i.dedupe_key for i in claimed] == ["b"]
    assert _any_due(uow_factory, now) is False  # leased to w1
    later = now + timedelta(seconds=61)
    assert _any_due(uow_factory, later) is True  # w1's lease ran out: claimable again

    with uow_factory() as uow:
        uow.outbox.mark_retry(claimed[0].id, now + timedelta(minutes=5), "429")
        uow.commit()
    assert _any_due(uow_factory, now + timedelta(minutes=4)) is False
    assert _any_due(uow_factory, now + timedelta(minutes=5)) is True


def test_the_idle_poll_does_not_wait_for_a_writer(db, uow_factory, clock):
    now = clock.now()
    _enqueue(uow_factory, now, "a")
    # Another process in the middle of a transaction: on SQLite it holds the write lock
    # (every write transaction begins IMMEDIATE), on PostgreSQL a lock on the row.
    with db.engine.connect() as writer, writer.begin():
        assert writer.execute(select(OutboxRow.id).with_for_update()).all()
        started = time.perf_counter()
        assert _any_due(uow_factory, now) is True  # sees the last commit at once
        assert time.perf_counter() - started < 5  # the busy timeout is 30 s


def test_the_idle_poll_of_a_worker_skips_chats_another_worker_is_sending_to(uow_factory, clock):
    now = clock.now()
    _enqueue(uow_factory, now, "a", chat="7")
    _enqueue(uow_factory, now, "b", chat="7")
    with uow_factory() as uow:
        assert len(uow.outbox.claim_due("telegram", now, 10, "w1", per_chat=1)) == 1
        uow.commit()

    def due_for(worker: str, at) -> bool:
        with uow_factory() as uow:
            return uow.outbox.any_due("telegram", at, worker=worker)

    assert due_for("w2", now) is False  # w1 holds chat 7
    assert due_for("w1", now) is True
    with uow_factory() as uow:
        assert uow.outbox.claim_due("telegram", now, 10, "w2") == []
    assert due_for("w2", now + timedelta(seconds=61)) is True  # w1's lease ran out
