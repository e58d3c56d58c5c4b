"""The inbox table: stored once by key, leased, taken over when its process is gone, purged."""

from __future__ import annotations

from datetime import timedelta

from domain.shared.inbox import InboxEntry
from handlers.core.conversation import Conversation
from handlers.core.jobs import run_job
from handlers.core.messages import Inbound
from handlers.core.options import CoreOptions
from storage.models import InboxRow
from tests.support import JOBS


def entry(n: int, lane: str = "u1") -> InboxEntry:
    return InboxEntry(f"tg:1:{n}", "telegram", lane, {"update_id": n})


def receive(uow_factory, entries, owner, now, lease=timedelta(seconds=15)) -> set[str]:
    with uow_factory() as uow:
        fresh = uow.inbox.receive(entries, owner, now, now + lease)
        uow.commit()
    return fresh


def test_an_update_is_stored_once_and_a_redelivery_is_told_it_is_not_new(uow_factory, clock):
    now = clock.now()
    assert receive(uow_factory, [entry(1), entry(2)], "a", now) == {"tg:1:1", "tg:1:2"}
    assert receive(uow_factory, [entry(2), entry(3)], "b", now) == {"tg:1:3"}


def test_rows_of_a_process_whose_lease_ran_out_are_taken_over_oldest_first(uow_factory, clock):
    now = clock.now()
    receive(uow_factory, [entry(5, "u2"), entry(3), entry(4)], "dead", now)
    receive(uow_factory, [entry(9)], "alive", now)
    with uow_factory() as uow:
        uow.inbox.mark_done(["tg:1:4"], now)
        uow.commit()
    later = now + timedelta(seconds=20)
    with uow_factory() as uow:
        uow.inbox.renew("alive", later + timedelta(seconds=15))  # still working on it
        taken = uow.inbox.claim_abandoned("telegram", "new", later, later + timedelta(seconds=15))
        uow.commit()
    assert [(e.key, e.lane, e.payload) for e in taken] == [
        ("tg:1:5", "u2", {"update_id": 5}),
        ("tg:1:3", "u1", {"update_id": 3}),
    ]
    with uow_factory() as uow:  # now leased to "new": nobody else takes them
        assert uow.inbox.claim_abandoned("slack", "x", later, later) == []
        assert uow.inbox.claim_abandoned("telegram", "x", later, later) == []


def test_the_core_marks_the_row_handled_in_the_transaction_of_its_effect(uow_factory, clock):
    receive(uow_factory, [InboxEntry("tg:1:7", "console", "u", {})], "a", clock.now())
    Conversation(uow_factory, clock).handle(
        Inbound("console", "u", "u", text="/help", dedupe_key="tg:1:7")
    )
    with uow_factory() as uow:
        row = uow.session.query(InboxRow).one()
        assert row.handled_at == clock.now() and row.done_at is None


def test_housekeeping_drops_inbox_rows_older_than_two_weeks(uow_factory, clock):
    receive(uow_factory, [entry(1)], "a", clock.now())
    clock.advance(days=15)
    receive(uow_factory, [entry(2)], "a", clock.now())

    run = run_job(JOBS, uow_factory, clock, CoreOptions(), "housekeeping", clock.now())

    assert "inbox rows 1" in run.detail
    with uow_factory() as uow:
        assert [r.key for r in uow.session.query(InboxRow)] == ["tg:1:2"]
