"""Slack transport timing against the fake Slack (tests/e2e/fake_slack.py), real Bolt over HTTP.

1. Ack latency of signed slash commands sent by many users at once, with the real core
   (`/dealer help` from linked dealers) and with a core that takes 2 s per request: prints
   p50/p95/max ack time (target: max well under Slack's 3 s, and unchanged by the slow core)
   and p50/p95 time until the answer is posted.
2. The outbox: one proactive message to each of N DM channels; prints messages/s (the
   dispatcher holds itself to 5/s, Slack's workspace budget), messages lost and messages
   doubled (targets: 0 and 0).

Run: `.venv/bin/python bench/slack_ack.py [--requests 200] [--users 50] [--channels 100]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.shared.clock import SystemClock  # noqa: E402
from domain.shared.outbox import OutgoingMessage  # noqa: E402
from handlers.core.messages import Reply  # noqa: E402
from storage.db import make_engine, upgrade  # noqa: E402
from tests.e2e.slack_world import start_world  # noqa: E402
from tests.support import invite, seed_catalog  # noqa: E402


class SlowCore:
    def __init__(self, inner, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def handle(self, inbound):
        time.sleep(self.delay)
        return self.inner.handle(inbound)

    async def handle_async(self, inbound):
        return await asyncio.to_thread(self.handle, inbound)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def ack_round(world, users, requests: int, label: str) -> None:
    fake = world.fake
    before = len(fake.messages)
    sent_at: dict[str, float] = {}

    async def one(n: int) -> float:
        user = users[n % len(users)]
        sent_at[f"{user.channel}:{n}"] = time.perf_counter()
        posted = await user.command_request("help")
        assert posted.status == 200, posted
        return posted.seconds

    start = time.perf_counter()
    acks = await asyncio.gather(*(one(n) for n in range(requests)))
    await fake.wait_for(lambda: len(fake.messages) - before >= requests, timeout=600)
    total = time.perf_counter() - start
    print(
        f"{label}: {requests} commands from {len(users)} users; ack p50 "
        f"{pct(acks, 0.5) * 1000:.0f} ms, p95 {pct(acks, 0.95) * 1000:.0f} ms, "
        f"max {max(acks) * 1000:.0f} ms; all answered after {total:.1f} s"
    )


async def outbox_round(world, channels: int) -> None:
    app = world.app
    with app.uow_factory() as uow:
        for n in range(channels):
            uow.outbox.enqueue(
                OutgoingMessage(f"bench:{n}", "slack", f"DB{n:05d}", Reply(f"提醒 {n}").to_dict()),
                app.clock.now(),
            )
        uow.commit()
    before = len(world.fake.messages)
    start = time.perf_counter()
    while await world.service.dispatcher.drain_once():
        pass
    seconds = time.perf_counter() - start
    texts = Counter(m.text for m in world.fake.messages[before:])
    lost = sum(1 for n in range(channels) if texts[f"提醒 {n}"] == 0)
    doubled = sum(1 for c in texts.values() if c > 1)
    print(
        f"outbox: {channels} DM channels in {seconds:.1f} s = {channels / seconds:.0f} msg/s; "
        f"lost {lost}, doubled {doubled}"
    )


async def main(requests: int, users: int, channels: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade(url, engine=engine)
        db = SimpleNamespace(url=url, engine=engine)
        clock = SystemClock()
        world, shutdown = await start_world(db, clock, dispatch=False)
        try:
            seed_catalog(world.app.uow_factory)
            people = [world.user(f"UB{n:04d}", channel=f"CB{n:04d}") for n in range(users)]
            for person in people:
                await person.command(f"start {invite(world.app.uow_factory, clock, dealer='D001')}")
            await ack_round(world, people, requests, "real core")
            world.service.requests.conversation = SlowCore(world.app.conversation, 2.0)
            await ack_round(world, people, min(requests, users), "core taking 2 s")
            world.service.requests.conversation = world.app.conversation
            await outbox_round(world, channels)
        finally:
            await shutdown()
            engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--channels", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.users, args.channels))
