"""The failure digest: a manager hears once of the messages to them and to their dealers'
contacts that failed for good, and of no one else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.shared.outbox import OutboxStatus, OutgoingMessage
from handlers.core.conversation import Conversation
from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from tests.support import JOBS, Chat, invite, seed_catalog

OCCASION = datetime(2026, 7, 17, 2, 15, tzinfo=UTC)


def _link(conv, uow_factory, clock, user: str, **who) -> int:
    Chat(conv, user).say(f"/start {invite(uow_factory, clock, **who)}")
    with uow_factory() as uow:
        return uow.identities.find("console", user).identity_id


def _failed(uow_factory, clock, key: str, chat: str, text: str, identity: int | None) -> None:
    with uow_factory() as uow:
        message = OutgoingMessage(key, "console", chat, {"text": text}, identity_id=identity)
        uow.outbox.enqueue(message, clock.now())
        [item] = [i for i in uow.outbox.list(limit=1000) if i.dedupe_key == key]
        uow.outbox.mark_final(item.id, OutboxStatus.FAILED, "502 Bad Gateway", clock.now())
        uow.commit()


def _digests(uow_factory) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with uow_factory() as uow:
        for item in sorted(uow.outbox.list(limit=1000), key=lambda i: i.id):
            if item.dedupe_key.startswith("outbox_failures:"):
                found.setdefault(item.chat_id, []).append(item.payload["text"])
    return found


def _run(uow_factory, clock, occasion):
    return run_job(JOBS, uow_factory, clock, CoreOptions(), "outbox_failures", occasion)


def test_each_manager_is_told_once_of_failures_to_them_and_their_dealers(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    d1 = _link(conv, uow_factory, clock, "d1", dealer="D001")  # Sichuan: M01's region
    _link(conv, uow_factory, clock, "d2", dealer="D002")  # Shanghai: only the admin's
    m1 = _link(conv, uow_factory, clock, "m1", manager="M01")
    _link(conv, uow_factory, clock, "m2", manager="M02")  # admin
    _failed(uow_factory, clock, "a", "m1", "目标预警：D001 落后进度", m1)
    _failed(uow_factory, clock, "b", "d1", "夏季促销\nA100 全系降价 5%", d1)
    _failed(uow_factory, clock, "c", "d2", "合同到期提醒", None)  # found by its chat
    with uow_factory() as uow:
        uow.outbox.enqueue(OutgoingMessage("d", "console", "d1", {"text": "已送达"}), clock.now())
        uow.commit()

    assert _run(uow_factory, clock, OCCASION).messages == 2
    digests = _digests(uow_factory)
    assert sorted(digests) == ["m1", "m2"]
    [to_m1] = digests["m1"]
    assert to_m1.startswith("2 条消息未能送达")
    assert "发给您（2026/7/17 10:00 生成）：目标预警：D001 落后进度" in to_m1
    assert "发给经销商 D001 华西医疗（2026/7/17 10:00 生成）：夏季促销" in to_m1
    assert "A100" not in to_m1  # the first line only
    assert "合同到期提醒" not in to_m1 and "已送达" not in to_m1
    [to_m2] = digests["m2"]
    assert to_m2.startswith("2 条消息未能送达")
    assert "D001" in to_m2 and "发给经销商 D002 申城器械" in to_m2 and "目标预警" not in to_m2
    assert "dealerbot outbox retry" in to_m1

    # The next digest has nothing new to say, and a manual rerun repeats nothing.
    assert _run(uow_factory, clock, OCCASION + timedelta(hours=1)).messages == 0
    assert _run(uow_factory, clock, OCCASION).messages == 0

    # A new failure is news; a failed digest is not reported in the next one.
    clock.advance(hours=2)
    _failed(uow_factory, clock, "e", "d1", "违规提醒", d1)
    with uow_factory() as uow:
        [digest] = [
            i
            for i in uow.outbox.list()
            if i.chat_id == "m1" and i.dedupe_key.startswith("outbox_failures:")
        ]
        uow.outbox.mark_final(digest.id, OutboxStatus.FAILED, "502", clock.now())
        uow.commit()
    assert _run(uow_factory, clock, OCCASION + timedelta(hours=2)).messages == 2
    digests = _digests(uow_factory)
    assert digests["m1"][1].startswith("1 条消息未能送达") and "违规提醒" in digests["m1"][1]
    assert digests["m2"][1].startswith("1 条消息未能送达") and "违规提醒" in digests["m2"][1]


def test_the_digest_speaks_the_managers_language(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    d1 = _link(conv, uow_factory, clock, "d1", dealer="D001")
    _link(conv, uow_factory, clock, "m1", manager="M01")
    Chat(conv, "m1").say("/lang en")
    _failed(uow_factory, clock, "b", "d1", "x" * 80, d1)
    assert _run(uow_factory, clock, OCCASION).messages == 1
    [text] = _digests(uow_factory)["m1"]
    assert text.startswith("1 message(s) could not be delivered")
    assert "• to dealer D001 华西医疗 (queued Jul 17, 2026, 10:00 AM): " + "x" * 39 + "…" in text
