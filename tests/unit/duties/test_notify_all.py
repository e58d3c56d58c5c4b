"""Many messages of a job in one batch: keyed as `notify` keys them, rendered per reader."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.identity.actors import Actor
from domain.shared.clock import FixedClock
from handlers.core.jobs import JobContext
from handlers.core.messages import Reply
from handlers.core.options import CoreOptions
from tests.fakes import FakeUnitOfWork, Store

NOW = datetime(2026, 7, 18, 1, 0, tzinfo=UTC)
ZH = Actor("telegram", "u1", "c1", identity_id=1, locale="zh_CN")
EN = Actor("slack", "u2", "c2", identity_id=2, locale="en")


def test_a_batch_is_keyed_like_notify_and_a_rerun_adds_nothing():
    with FakeUnitOfWork(Store()) as uow:
        ctx = JobContext("report_reminder", uow, FixedClock(NOW), CoreOptions(), NOW)
        items = [
            (ZH, "sales_report:D001:2026-W29:remind", lambda t: Reply(f"a {t.locale}")),
            (EN, "sales_report:D002:2026-W29:remind", lambda t: Reply(f"b {t.locale}")),
        ]
        assert ctx.notify_all(items) == 2
        assert ctx.notify_all(items) == 0
        assert not ctx.notify(ZH, "sales_report:D001:2026-W29:remind", lambda t: Reply("x"))
        texts = {i.dedupe_key: i.payload["text"] for i in uow.outbox.list()}
    assert texts == {
        "report_reminder:sales_report:D001:2026-W29:remind:telegram:c1": "a zh_CN",
        "report_reminder:sales_report:D002:2026-W29:remind:slack:c2": "b en",
    }
    assert ctx.sent == 2
