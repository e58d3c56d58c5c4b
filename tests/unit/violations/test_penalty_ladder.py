"""The penalty ladder suggests the next step after a dealer's earlier offences of a rule."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.catalog.model import DealerCode, ManagerRole
from domain.sales.model import Penalty, Severity, Violation, ViolationStatus, ViolationType
from domain.violations.appeals import AppealRefusal, check_appeal, hearing_role
from domain.violations.ladder import ladders, months_back, prior_offences, suggest

NOW = datetime(2026, 12, 2, 8, tzinfo=UTC)
D1 = DealerCode("D001")


def violation(
    vid: int,
    kind: ViolationType = ViolationType.PRICE_BELOW_TERMINAL_FLOOR,
    status: ViolationStatus = ViolationStatus.PENALIZED,
    days_ago: int = 0,
    dealer: str = "D001",
) -> Violation:
    return Violation(
        vid,
        DealerCode(dealer),
        None,
        kind,
        Severity.MAJOR,
        {},
        status,
        NOW - timedelta(days=days_ago),
    )


@pytest.mark.parametrize(
    ("prior", "expected"),
    [(0, Penalty.WARNING), (1, Penalty.FINE), (2, Penalty.WITHHOLD_PAYMENT)],
)
def test_price_ladder_after_zero_one_and_two_earlier_offences(prior, expected) -> None:
    current = violation(100, status=ViolationStatus.OPEN)
    earlier = [violation(i, days_ago=10 * (i + 1)) for i in range(prior)]
    found = prior_offences(current, earlier, NOW - timedelta(days=365))
    assert suggest(current, found, ladders()).penalty is expected


def test_the_top_step_stays_the_top_step() -> None:
    current = violation(100, ViolationType.OUTSIDE_TERRITORY, ViolationStatus.OPEN)
    earlier = [violation(i, ViolationType.OUTSIDE_TERRITORY, days_ago=i + 1) for i in range(5)]
    found = prior_offences(current, earlier, NOW - timedelta(days=365))
    assert suggest(current, found, ladders()).penalty is Penalty.CANCEL_DEALERSHIP


def test_only_standing_offences_of_the_same_rule_and_dealer_in_the_lookback_count() -> None:
    current = violation(100, status=ViolationStatus.OPEN)
    earlier = [
        violation(1, ViolationType.PRICE_BELOW_BID_FLOOR),  # the same rule: counts
        violation(2, status=ViolationStatus.DISMISSED),
        violation(3, status=ViolationStatus.WITHDRAWN),
        violation(4, ViolationType.OUTSIDE_TERRITORY),
        violation(5, dealer="D002"),
        violation(6, days_ago=400),  # before the lookback
        violation(7, status=ViolationStatus.CONFIRMED, days_ago=3),
    ]
    found = prior_offences(current, earlier, NOW - timedelta(days=365))
    assert [v.id for v in found] == [1, 7]


def test_a_configured_ladder_replaces_the_default_and_bad_words_are_refused() -> None:
    mine = ladders({"price": ["fine", "stop_supply"]})
    assert mine["price"] == (Penalty.FINE, Penalty.STOP_SUPPLY)
    assert mine["cross_region"][0] is Penalty.FINE
    with pytest.raises(ValueError):
        ladders({"price": ["flog"]})
    with pytest.raises(ValueError):
        ladders({"parking": ["fine"]})


def test_months_back_keeps_the_day_or_takes_the_month_end() -> None:
    assert months_back(date(2026, 12, 2), 12) == date(2025, 12, 2)
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_back(date(2026, 1, 15), 1) == date(2025, 12, 15)


# -- appeals ------------------------------------------------------------------------------


def decided(days_ago: float, status=ViolationStatus.PENALIZED) -> Violation:
    v = violation(1, status=status, days_ago=30)
    return Violation(
        v.id,
        v.dealer,
        v.sale_id,
        v.type,
        v.severity,
        v.evidence,
        v.status,
        v.created_at,
        Penalty.FINE,
        "",
        "manager:M01",
        NOW - timedelta(days=days_ago),
    )


def test_an_appeal_is_open_for_exactly_the_appeal_days_after_the_decision() -> None:
    assert check_appeal(decided(7), NOW, 7, appealed=False) is None
    late = decided(7 + 1 / 86400)
    assert check_appeal(late, NOW, 7, appealed=False) is AppealRefusal.TOO_LATE


def test_only_a_standing_decision_may_be_appealed_and_only_once() -> None:
    assert check_appeal(decided(1, ViolationStatus.DISMISSED), NOW, 7, appealed=False) is (
        AppealRefusal.NOT_DECIDED
    )
    assert check_appeal(decided(1, ViolationStatus.CONFIRMED), NOW, 7, appealed=False) is None
    assert check_appeal(decided(1), NOW, 7, appealed=True) is AppealRefusal.ALREADY_APPEALED


def test_the_role_above_the_decider_hears_the_appeal() -> None:
    assert hearing_role(ManagerRole.REGIONAL_DIRECTOR) is ManagerRole.SALES_MANAGER
    assert hearing_role(ManagerRole.SALES_MANAGER) is ManagerRole.MARKETING_DIRECTOR
    assert hearing_role(None) is ManagerRole.MARKETING_DIRECTOR
