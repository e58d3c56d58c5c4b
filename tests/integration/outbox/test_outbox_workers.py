"""Two dispatcher workers on one database, and a long outage.

Time is scaled down: the per-chat interval is 0.02 s instead of 1 s and the lease 1.2 s
instead of 60 s, so a backlog that would take minutes takes seconds and a batch claimed
whole would outlive its lease exactly as it does at full scale.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from itertools import pairwise

from bot.transports.base import RetryLater
from bot.transports.outbox import OutboxDispatcher
from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus, OutgoingMessage, RetryPolicy
from handlers.core.messages import Reply

INTERVAL = 0.02  # 1 s, scaled
LEASE = 1.2  # 60 s, scaled the same way
ALERTS = 130


def _queue(uow_factory, now, count: int, chats: int = 1) -> None:
    with uow_factory() as uow:
        uow.outbox.enqueue_many(
            [
                OutgoingMessage(f"alert:{n}", "telegram", f"chat{n % chats}", {"text": f"#{n}"})
                for n in range(count)
            ],
            now,
        )
        uow.commit()


def _statuses(uow_factory) -> Counter:
    with uow_factory() as uow:
        return Counter(i.status for i in uow.outbox.list(limit=10_000))


def test_two_workers_send_each_alert_once_and_keep_the_chat_interval(uow_factory):
    clock = SystemClock()
    _queue(uow_factory, clock.now(), ALERTS)
    sends: list[tuple[float, str]] = []

    async def send(chat_id: str, reply: Reply) -> None:
        sends.append((time.monotonic(), reply.text))
        await asyncio.sleep(0.001)

    async def main() -> None:
        stop = asyncio.Event()
        workers = [
            OutboxDispatcher(
                "telegram",
                send,
                uow_factory,
                clock,
                rate=0,
                per_chat_interval=INTERVAL,
                idle_sleep=0.02,
                worker=name,
                lease_seconds=LEASE,
            )
            for name in ("worker-a", "worker-b")
        ]
        runs = [asyncio.create_task(w.run(stop)) for w in workers]
        deadline = time.monotonic() + 30
        while len(sends) < ALERTS and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5 * LEASE)  # long enough for a lapsed lease to be taken again
        stop.set()
        await asyncio.gather(*runs)

    asyncio.run(main())
    texts = Counter(text for _, text in sends)
    doubled = {text: n for text, n in texts.items() if n > 1}
    assert doubled == {}, f"{len(doubled)} alerts sent more than once"
    assert len(texts) == ALERTS
    gaps = [b - a for (a, _), (b, _) in pairwise(sends)]
    # The turn's start is read just before the send; the fake's own clock reads a moment
    # later (the tolerance: a few microseconds), a second sender would be ~0 s apart.
    assert min(gaps) >= INTERVAL * 0.95, f"closest sends {min(gaps):.4f} s apart"
    assert _statuses(uow_factory) == {OutboxStatus.SENT: ALERTS}


def test_a_five_minute_outage_is_delivered_after_it_not_failed(uow_factory, clock):
    _queue(uow_factory, clock.now(), 20, chats=20)
    outage_ends = clock.now() + timedelta(minutes=5)
    delivered: list[str] = []

    async def send(chat_id: str, reply: Reply) -> None:
        if clock.now() < outage_ends:
            raise RetryLater(None, "Bot API: 502 Bad Gateway")
        delivered.append(chat_id)

    async def main() -> None:
        dispatcher = OutboxDispatcher(
            "telegram",
            send,
            uow_factory,
            clock,
            rate=0,
            per_chat_interval=0,
            retry=RetryPolicy(retry_hours=24, max_backoff_seconds=600),
        )
        for _ in range(1000):  # 5 s steps: well past the outage and the longest backoff
            await dispatcher.drain_once()
            if len(delivered) == 20:
                break
            clock.advance(seconds=5)

    asyncio.run(main())
    assert sorted(delivered) == sorted(f"chat{n}" for n in range(20))
    assert _statuses(uow_factory) == {OutboxStatus.SENT: 20}


def test_a_message_fails_for_good_only_when_the_retry_window_is_over(uow_factory, clock):
    _queue(uow_factory, clock.now(), 1)
    started = clock.now()

    async def send(chat_id: str, reply: Reply) -> None:
        raise RetryLater(None, "Bot API: 502 Bad Gateway")

    async def main() -> None:
        dispatcher = OutboxDispatcher(
            "telegram",
            send,
            uow_factory,
            clock,
            rate=0,
            per_chat_interval=0,
            retry=RetryPolicy(retry_hours=1, max_backoff_seconds=600),
        )
        for _ in range(2000):
            await dispatcher.drain_once()
            if _statuses(uow_factory)[OutboxStatus.FAILED]:
                break
            clock.advance(seconds=30)

    asyncio.run(main())
    with uow_factory() as uow:
        [item] = uow.outbox.list()
    assert item.status is OutboxStatus.FAILED
    assert item.failed_at is not None
    assert timedelta(hours=1) <= item.failed_at - started < timedelta(hours=1, minutes=1)
    assert "502" in item.last_error


def test_a_worker_whose_sends_outlast_the_lease_keeps_it_and_nothing_is_sent_twice(uow_factory):
    # Three slow sends to one chat, 0.5 s each, under a 0.3 s lease: only renewing the
    # lease keeps the second worker from taking the messages over mid-way.
    clock = SystemClock()
    _queue(uow_factory, clock.now(), 3)
    sends: list[tuple[str, str]] = []

    def sender(name: str):
        async def send(chat_id: str, reply: Reply) -> None:
            sends.append((name, reply.text))
            await asyncio.sleep(0.5)

        return send

    async def main() -> None:
        stop = asyncio.Event()
        workers = [
            OutboxDispatcher(
                "telegram",
                sender(name),
                uow_factory,
                clock,
                rate=0,
                per_chat_interval=0,
                idle_sleep=0.02,
                worker=name,
                lease_seconds=0.3,
            )
            for name in ("slow", "eager")
        ]
        first = asyncio.create_task(workers[0].run(stop))
        await asyncio.sleep(0.1)  # "slow" has leased all three
        second = asyncio.create_task(workers[1].run(stop))
        await asyncio.sleep(2.0)
        stop.set()
        await asyncio.gather(first, second)

    asyncio.run(main())
    assert sorted(sends) == [("slow", "#0"), ("slow", "#1"), ("slow", "#2")]
    assert _statuses(uow_factory) == {OutboxStatus.SENT: 3}


def test_a_message_taken_over_by_another_worker_is_not_sent_by_the_first(uow_factory, clock):
    _queue(uow_factory, clock.now(), 2, chats=2)
    sent: list[str] = []

    async def send(chat_id: str, reply: Reply) -> None:
        sent.append(chat_id)

    dispatcher = OutboxDispatcher(
        "telegram", send, uow_factory, clock, rate=0, per_chat_interval=0, worker="first"
    )
    items = dispatcher._claim()
    assert len(items) == 2
    # Meanwhile the first worker's lease on chat1's message ran out and "second" took it.
    with uow_factory() as uow:
        clock.advance(seconds=61)
        [taken] = uow.outbox.claim_due("telegram", clock.now(), 1, "second", chat_id="chat1")
        uow.commit()

    async def main() -> None:
        await asyncio.gather(*(dispatcher._deliver(item) for item in items))

    asyncio.run(main())
    assert sent == ["chat0"] and dispatcher.lost == 1
    with uow_factory() as uow:
        status = {i.chat_id: i.status for i in uow.outbox.list()}
    assert status == {"chat0": OutboxStatus.SENT, "chat1": OutboxStatus.SENDING}
    assert taken.chat_id == "chat1"
