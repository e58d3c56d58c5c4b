"""Queueing many messages at once: each key stored once, the count true, the payload whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import StatementError

from domain.shared.outbox import OutboxStatus, OutgoingMessage

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
PAYLOAD = {"text": '报表 "已到期"\n\\ 请于 ¥1,234.50 前 — ok', "buttons": [[{"text": "确定"}]]}


def test_a_batch_stores_new_keys_once_and_counts_only_them(uow_factory):
    later = NOW + timedelta(hours=3)
    with uow_factory() as uow:
        assert uow.outbox.enqueue(OutgoingMessage("k:0", "telegram", "c0", {"text": "old"}), NOW)
        batch = [
            OutgoingMessage("k:0", "telegram", "c0", {"text": "again"}),  # stored before
            OutgoingMessage("k:1", "telegram", "c1", PAYLOAD, identity_id=None),
            OutgoingMessage("k:2", "slack", "C2", PAYLOAD, not_before=later),
            OutgoingMessage("k:2", "slack", "C2", {"text": "twin"}),  # twice in one batch
        ]
        assert uow.outbox.enqueue_many(batch, NOW) == 2
        assert uow.outbox.enqueue_many(batch, NOW) == 0
        uow.commit()
    with uow_factory() as uow:
        items = {i.dedupe_key: i for i in uow.outbox.list(limit=10)}
    assert sorted(items) == ["k:0", "k:1", "k:2"]
    assert items["k:0"].payload == {"text": "old"}
    assert items["k:1"].payload == PAYLOAD and items["k:1"].identity_id is None
    assert items["k:2"].payload == PAYLOAD and items["k:2"].platform == "slack"
    assert items["k:2"].not_before == later and items["k:1"].not_before == NOW
    assert items["k:1"].created_at == NOW
    assert {i.status for i in items.values()} == {OutboxStatus.PENDING}
    assert {i.attempts for i in items.values()} == {0}


def test_thousands_of_messages_go_in_one_call(uow_factory):
    messages = [
        OutgoingMessage(f"bulk:{n}", "telegram", f"chat{n}", {"text": f"#{n} 提醒"})
        for n in range(3000)
    ]
    with uow_factory() as uow:
        assert uow.outbox.enqueue_many(messages, NOW) == 3000
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.enqueue_many(messages[-10:], NOW) == 0
        [last] = [i for i in uow.outbox.list(limit=5000) if i.dedupe_key == "bulk:2999"]
    assert last.payload == {"text": "#2999 提醒"} and last.chat_id == "chat2999"


def test_a_payload_with_an_escaped_nul_or_a_lone_surrogate_is_stored_as_one_message_is(
    uow_factory,
):
    odd = {"text": "a\x00b \ud83d end"}
    with uow_factory() as uow:
        assert (
            uow.outbox.enqueue_many(
                [
                    OutgoingMessage("odd:1", "telegram", "c1", odd),
                    OutgoingMessage("odd:2", "telegram", "c2", {"text": "fine"}),
                ],
                NOW,
            )
            == 2
        )
        uow.commit()
    with uow_factory() as uow:
        items = {i.dedupe_key: i.payload for i in uow.outbox.list(limit=10)}
    assert items == {"odd:1": odd, "odd:2": {"text": "fine"}}


def test_a_naive_time_is_refused_not_read_as_the_servers_local_time(uow_factory):
    naive = OutgoingMessage("n:1", "telegram", "c1", {"text": "x"}, not_before=datetime(2026, 1, 1))
    # SQLAlchemy wraps the type's refusal on SQLite (StatementError); PostgreSQL's is ours.
    with uow_factory() as uow, pytest.raises((ValueError, StatementError), match="naive"):
        uow.outbox.enqueue_many([naive], NOW)
