"""notice_reminder on SQLite and PostgreSQL: one reminder per contact before the date, one
overdue report to the late dealer's managers after it, with two schedulers at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from tests.integration.notices.test_notices_chat import fill_notice_form, people
from tests.integration.promotions.test_promotions import outbox
from tests.support import JOBS


def job(uow_factory, clock, occasion=None):
    when = occasion or clock.now()
    return run_job(JOBS, uow_factory, clock, CoreOptions(), "notice_reminder", when)


def two_schedulers(uow_factory, clock) -> None:
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        job(uow_factory, clock)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def sent(uow_factory, kind: str) -> list[str]:
    return sorted(
        m.chat_id for m in outbox(uow_factory) if m.dedupe_key.startswith("notice_reminder:")
        and f":{kind}:" in m.dedupe_key
    )  # fmt: skip


def test_unacknowledged_dealers_are_reminded_once_and_then_reported_to_their_managers_once(
    uow_factory, clock
):
    p = people(uow_factory, clock)
    fill_notice_form(p["boss"], regions="", quiz="")  # due by the end of 2026-07-31
    p["boss"].press("发送")
    p["d1a"].say("/notices ack 1")  # D001 has acknowledged; D002 has not
    clock.advance(days=3)
    job(uow_factory, clock)
    assert sent(uow_factory, "remind") == []  # too early: remind_days is 2
    clock.set(datetime(2026, 7, 30, 2, 0, tzinfo=UTC))  # 10:00 on the 30th in Shanghai
    two_schedulers(uow_factory, clock)
    clock.advance(hours=20)
    job(uow_factory, clock)  # the next day's run reminds nobody again
    assert sent(uow_factory, "remind") == ["d2"]
    [reminder] = [m for m in outbox(uow_factory) if ":remind:" in m.dedupe_key]
    assert "2026-07-31" in reminder.payload["text"]
    assert reminder.payload["buttons"][0][0][1] == "c:notices ack 1"
    assert sent(uow_factory, "overdue") == []
    clock.set(datetime(2026, 8, 1, 2, 0, tzinfo=UTC))
    two_schedulers(uow_factory, clock)
    clock.advance(days=1)
    job(uow_factory, clock)
    # D002 serves a Shanghai terminal: the admin hears of it, Sichuan's manager does not.
    assert sent(uow_factory, "overdue") == ["boss"]
    [report] = [m for m in outbox(uow_factory) if ":overdue:" in m.dedupe_key]
    assert "申城器械 (D002)" in report.payload["text"] and "D001" not in report.payload["text"]
    assert "逾期未确认 1 家：申城器械 (D002)" in p["boss"].say("/notice 1")
    assert "已逾期未确认" in p["d2"].say("/notices")
    assert "逾期确认" in p["d2"].say("/notices ack 1")


def test_a_notice_everyone_acknowledged_is_neither_reminded_nor_reported(uow_factory, clock):
    p = people(uow_factory, clock)
    fill_notice_form(p["boss"], regions="SC", quiz="")
    p["boss"].press("发送")
    p["d1b"].say("/notices ack 1")
    for day in (datetime(2026, 7, 30, 2, tzinfo=UTC), datetime(2026, 8, 2, 2, tzinfo=UTC)):
        clock.set(day)
        job(uow_factory, clock)
    assert sent(uow_factory, "remind") == [] and sent(uow_factory, "overdue") == []
    with uow_factory() as uow:
        assert uow.notices.awaiting() == []  # reported (with nobody late): not read again
