"""One user's messages are handled in arrival order; different users run side by side."""

from __future__ import annotations

import asyncio
import threading
import time

from handlers.core.ordering import KeyedSerializer


async def test_calls_with_the_same_key_run_one_at_a_time_in_order():
    order = KeyedSerializer()
    log: list[str] = []
    active = {"n": 0, "max": 0}
    lock = threading.Lock()

    def work(name: str, seconds: float) -> str:
        with lock:
            active["n"] += 1
            active["max"] = max(active["max"], active["n"])
        time.sleep(seconds)
        log.append(name)
        with lock:
            active["n"] -= 1
        return name

    results = await asyncio.gather(
        order.run("u1", work, "first", 0.05),
        order.run("u1", work, "second", 0.0),
        order.run("u1", work, "third", 0.01),
    )
    assert results == ["first", "second", "third"] and log == results
    assert active["max"] == 1
    assert order.pending() == 0


async def test_different_keys_run_in_parallel():
    order = KeyedSerializer()
    both = threading.Barrier(2, timeout=5)

    def meet(name: str) -> str:
        both.wait()  # deadlocks (and times out) unless the two calls overlap
        return name

    assert await asyncio.gather(order.run("a", meet, "a"), order.run("b", meet, "b")) == ["a", "b"]


async def test_a_failed_call_does_not_block_the_next_one():
    order = KeyedSerializer()

    def boom() -> None:
        raise RuntimeError("boom")

    first = asyncio.ensure_future(order.run("u1", boom))
    second = asyncio.ensure_future(order.run("u1", lambda: "next"))
    assert await second == "next"
    try:
        await first
    except RuntimeError as exc:
        assert str(exc) == "boom"


async def test_a_cancelled_caller_keeps_its_place_in_line():
    order = KeyedSerializer()
    log: list[str] = []
    gate = threading.Event()

    def slow() -> None:
        gate.wait(5)
        log.append("slow")

    def cancelled() -> None:
        log.append("cancelled-but-ran")

    def last() -> None:
        log.append("last")

    first = asyncio.ensure_future(order.run("u1", slow))
    middle = asyncio.ensure_future(order.run("u1", cancelled))
    tail = asyncio.ensure_future(order.run("u1", last))
    await asyncio.sleep(0.05)
    middle.cancel()
    gate.set()
    await first
    await tail
    assert log == ["slow", "cancelled-but-ran", "last"]
