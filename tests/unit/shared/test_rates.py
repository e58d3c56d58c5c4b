from datetime import UTC, datetime, timedelta

import pytest

from domain.shared.rates import RateLimit, admit, next_admission

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)


def test_a_full_bucket_admits_the_burst_at_once_and_then_one_message_per_interval():
    limit = RateLimit(per_minute=6, burst=3)
    tat = None
    for _ in range(3):
        tat = admit(tat, NOW, limit)
        assert tat is not None
    assert admit(tat, NOW, limit) is None
    assert next_admission(tat, limit) == NOW + timedelta(seconds=10)
    assert admit(tat, NOW + timedelta(seconds=9), limit) is None
    assert admit(tat, NOW + timedelta(seconds=10), limit) is not None


def test_an_idle_bucket_fills_up_to_the_burst_and_no_further():
    limit = RateLimit(per_minute=6, burst=3)
    tat = admit(None, NOW, limit)
    later = NOW + timedelta(hours=1)
    for _ in range(3):
        tat = admit(tat, later, limit)
        assert tat is not None
    assert admit(tat, later, limit) is None


@pytest.mark.parametrize(("per_minute", "burst"), [(0, 5), (-1, 5), (10, 0)])
def test_a_limit_needs_a_positive_rate_and_burst(per_minute, burst):
    with pytest.raises(ValueError):
        RateLimit(per_minute, burst)
