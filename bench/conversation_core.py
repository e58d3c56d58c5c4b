"""Conversation core latency: help, a refused command, a scoped manager listing, a form-free
text and a redelivery, through Conversation.handle on a SQLite file (one commit each), then
the same messages from many users at once through handle_async (per-user ordering on).

Run: `.venv/bin/python bench/conversation_core.py [-n 500] [--users 20]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.shared.clock import FixedClock  # noqa: E402
from handlers.core.conversation import Conversation  # noqa: E402
from handlers.core.messages import Inbound  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402
from tests.support import invite, seed_catalog  # noqa: E402


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:6.2f} ms  p90 {q[89] * 1000:6.2f} ms  p99 {q[98] * 1000:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    upgrade(url, engine=engine)
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    clock = FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
    seed_catalog(factory)
    conv = Conversation(factory, clock)
    conv.handle(
        Inbound("console", "d", "d", text=f"/start {invite(factory, clock, dealer='D001')}")
    )
    conv.handle(
        Inbound("console", "m", "m", text=f"/start {invite(factory, clock, manager='M01')}")
    )

    cases = {
        "dealer /help": ("d", "/help"),
        "dealer /dealers (refused)": ("d", "/dealers"),
        "manager /dealers": ("m", "/dealers"),
        "manager /dealer D001": ("m", "/dealer D001"),
        "unknown /frobnicate": ("d", "/frobnicate"),
    }
    print(f"SQLite file, {args.n} messages per case, one commit each")
    for name, (user, text) in cases.items():
        samples = []
        for i in range(args.n):
            started = time.perf_counter()
            conv.handle(Inbound("console", user, user, text=text, dedupe_key=f"{name}:{i}"))
            samples.append(time.perf_counter() - started)
        print(f"  {name:<28} {percentiles(samples)}")
    samples = []
    for i in range(args.n):  # redeliveries of the keys just stored
        started = time.perf_counter()
        conv.handle(Inbound("console", "d", "d", text="/help", dedupe_key=f"dealer /help:{i}"))
        samples.append(time.perf_counter() - started)
    print(f"  {'redelivery (stored answer)':<28} {percentiles(samples)}")

    async def crowd() -> float:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                conv.handle_async(Inbound("console", f"u{i % args.users}", "c", text="/help"))
                for i in range(args.n)
            )
        )
        return time.perf_counter() - started

    seconds = asyncio.run(crowd())
    print(f"  handle_async, {args.users} users: {args.n / seconds:7.1f} messages/s")
    engine.dispose()


if __name__ == "__main__":
    main()
