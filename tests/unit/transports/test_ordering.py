"""One user's messages are handled in arrival order; different users run side by side."""

from __future__ import annotations

import asyncio
import threading
import time

from handlers.core.ordering import Lanes


async def test_calls_with_the_same_key_run_one_at_a_time_in_order():
    order = Lanes(concurrency=None)
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
    assert await order.join(5) and order.pending == 0 and order.idle


async def test_different_keys_run_in_parallel():
    order = Lanes(concurrency=None)
    both = threading.Barrier(2, timeout=5)

    def meet(name: str) -> str:
        both.wait()  # deadlocks (and times out) unless the two calls overlap
        return name

    assert await asyncio.gather(order.run("a", meet, "a"), order.run("b", meet, "b")) == ["a", "b"]


async def test_a_failed_call_does_not_block_the_next_one():
    order = Lanes(concurrency=None)

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
    order = Lanes(concurrency=None)
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


async def test_submitted_jobs_keep_their_lane_order_and_a_failure_is_only_logged(caplog):
    lanes = Lanes()
    log: list[str] = []

    async def step(name: str) -> None:
        await asyncio.sleep(0)
        if name == "bad":
            raise RuntimeError("bad")
        log.append(name)

    for name in ("a1", "bad", "a2"):
        lanes.submit("a", lambda n=name: step(n))
    lanes.submit("b", lambda: step("b1"))
    assert await lanes.join(5)
    assert [n for n in log if n.startswith("a")] == ["a1", "a2"] and "b1" in log
    assert "job failed" in caplog.text and lanes.idle


async def test_concurrency_bounds_the_jobs_running_at_once_over_all_lanes():
    lanes = Lanes(concurrency=2)
    active = {"n": 0, "max": 0}

    async def job() -> None:
        active["n"] += 1
        active["max"] = max(active["max"], active["n"])
        await asyncio.sleep(0.01)
        active["n"] -= 1

    for user in range(6):
        lanes.submit(f"u{user}", job)
    assert lanes.pending == 12  # six queued jobs, six lanes started
    assert await lanes.join(5)
    assert active["max"] == 2


async def test_join_gives_up_after_its_timeout():
    lanes = Lanes()
    gate = asyncio.Event()
    lanes.submit("u1", gate.wait)
    assert not await lanes.join(0.05)
    gate.set()
    assert await lanes.join(5)
