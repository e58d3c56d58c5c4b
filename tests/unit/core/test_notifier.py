"""The one Notifier: the outbox, the recipient's language, once per dedupe key and chat."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.identity.actors import Actor
from domain.shared.clock import FixedClock
from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext
from handlers.core.messages import Reply
from handlers.core.notifier import Notifier
from handlers.core.options import CoreOptions
from tests.fakes import FakeUnitOfWork, Store

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
ZH = Actor("telegram", "u1", "c1", identity_id=1, locale="zh_CN")
EN = Actor("slack", "u2", "c2", identity_id=2, locale="en")
UNSET = Actor("console", "u3", "c3", identity_id=3)


def hello(t: Translator) -> Reply:
    return Reply(t("help.title"))


def notifier(uow: FakeUnitOfWork, default_locale: str = "zh_CN") -> Notifier:
    return Notifier(uow.outbox, lambda: NOW, default_locale)


def test_a_message_is_queued_once_per_key_and_chat_in_the_recipients_language():
    with FakeUnitOfWork(Store()) as uow:
        tell = notifier(uow, default_locale="en")
        assert tell.notify(ZH, "k:1", hello)
        assert not tell.notify(ZH, "k:1", hello)  # a rerun queues nothing again
        assert tell.notify(UNSET, "k:1", hello)  # another chat, the same key
        items = {i.dedupe_key: i for i in uow.outbox.list()}
    assert set(items) == {"k:1:telegram:c1", "k:1:console:c3"}
    assert items["k:1:telegram:c1"].payload["text"] == Translator("zh_CN")("help.title")
    assert items["k:1:console:c3"].payload["text"] == Translator("en")("help.title")
    assert items["k:1:telegram:c1"].identity_id == 1
    assert items["k:1:telegram:c1"].created_at == NOW


def test_revise_rewrites_a_message_still_waiting_instead_of_queueing_another():
    with FakeUnitOfWork(Store()) as uow:
        tell = notifier(uow)
        assert tell.notify(EN, "digest", lambda t: Reply("one question"))
        assert not tell.notify(EN, "digest", lambda t: Reply("two questions"))
        assert tell.notify(EN, "digest", lambda t: Reply("two questions"), revise=True)
        (item,) = uow.outbox.list()
    assert item.payload["text"] == "two questions"


def test_a_batch_takes_each_key_as_it_is_and_renders_once_per_language():
    rendered: list[str] = []

    def build(t: Translator) -> Reply:
        rendered.append(t.locale)
        return Reply(t.locale)

    with FakeUnitOfWork(Store()) as uow:
        tell = notifier(uow)
        keyed = [(ZH, "promo:1:v1:1"), (EN, "promo:1:v1:2"), (UNSET, "promo:1:v1:3")]
        assert tell.notify_each(keyed, build) == 3
        assert tell.notify_each(keyed, build) == 0
        texts = {i.dedupe_key: i.payload["text"] for i in uow.outbox.list()}
    assert texts == {"promo:1:v1:1": "zh_CN", "promo:1:v1:2": "en", "promo:1:v1:3": "zh_CN"}
    assert rendered.count("zh_CN") == 2 and rendered.count("en") == 2  # once a batch each


def test_a_jobs_message_is_keyed_by_the_job_and_counted_once():
    with FakeUnitOfWork(Store()) as uow:
        ctx = JobContext("report_reminder", uow, FixedClock(NOW), CoreOptions(), NOW)
        assert ctx.notify(ZH, "D001:2026-W27", hello)
        assert not ctx.notify(ZH, "D001:2026-W27", hello)
        keys = [i.dedupe_key for i in uow.outbox.list()]
    assert keys == ["report_reminder:D001:2026-W27:telegram:c1"]
    assert ctx.sent == 1
