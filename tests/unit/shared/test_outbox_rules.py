"""How long and how often a failing message is tried, and how much of a chat a worker leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.shared.outbox import RetryPolicy, claimable_per_chat

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def test_backoff_doubles_from_one_second_up_to_the_cap():
    policy = RetryPolicy(retry_hours=24, max_backoff_seconds=600)
    waits = [policy.backoff(n).total_seconds() for n in range(1, 13)]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]
    assert policy.backoff(10_000) == timedelta(seconds=600)  # no overflow after days


def test_a_message_is_tried_again_until_the_window_from_its_first_failure_is_over():
    policy = RetryPolicy(retry_hours=24, max_backoff_seconds=600)
    at = policy.next_try(9, first_failed_at=T0, now=T0 + timedelta(hours=2))
    assert at == T0 + timedelta(hours=2, seconds=256)
    # The last try falls on the window's end, then the message has failed.
    late = T0 + timedelta(hours=23, minutes=58)
    assert policy.next_try(200, T0, late) == T0 + timedelta(hours=24)
    assert policy.next_try(201, T0, T0 + timedelta(hours=24)) is None


def test_the_platforms_retry_after_wins_over_the_backoff():
    policy = RetryPolicy()
    assert policy.next_try(1, T0, T0, retry_after=7) == T0 + timedelta(seconds=7)


def test_a_worker_leases_no_more_of_one_chat_than_it_can_send_in_half_the_lease():
    assert claimable_per_chat(60, 1.0, 100) == 30
    assert claimable_per_chat(60, 0.02, 100) == 100  # the batch is the limit
    assert claimable_per_chat(1, 1.0, 100) == 1  # always at least one
    assert claimable_per_chat(60, 0, 100) == 100  # no per-chat limit
