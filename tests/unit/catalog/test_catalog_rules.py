"""The policy's catalog rules, without a database."""

from datetime import date
from decimal import Decimal

import pytest

from domain.catalog.model import (
    Authorization,
    DealerCode,
    PricePolicy,
    ProductLine,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.catalog.pricing import price_in_force
from domain.catalog.territory import RegionTree, TerritoryVerdict, check_territory
from domain.shared.money import MoneyError, multiply, to_money
from domain.shared.periods import Period
from domain.targets.model import TargetSource, in_first_year, target_for


def policy(floor: str, start: date, end: date | None = None) -> PricePolicy:
    money = Decimal(floor)
    return PricePolicy(Sku("A100"), money, money, money, Validity(start, end))


OLD = policy("3000", date(2025, 1, 1), date(2025, 12, 31))
NEW = policy("3200", date(2026, 1, 1))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 31), None),
        (date(2025, 1, 1), OLD),
        (date(2025, 12, 31), OLD),
        (date(2026, 1, 1), NEW),
        (date(2030, 6, 1), NEW),
    ],
)
def test_the_price_in_force_includes_both_ends_of_its_validity(day, expected):
    assert price_in_force([NEW, OLD], day) == expected


def test_of_overlapping_prices_the_one_that_started_last_is_in_force():
    promo = policy("2900", date(2026, 7, 1), date(2026, 7, 31))
    assert price_in_force([NEW, promo], date(2026, 7, 31)) == promo
    assert price_in_force([NEW, promo], date(2026, 8, 1)) == NEW


TREE = RegionTree(
    {
        RegionCode("CN"): None,
        RegionCode("CN-W"): RegionCode("CN"),
        RegionCode("CN-SC"): RegionCode("CN-W"),
        RegionCode("CN-SC-CD"): RegionCode("CN-SC"),
        RegionCode("CN-E"): RegionCode("CN"),
        RegionCode("CN-SH"): RegionCode("CN-E"),
    }
)
IMG = ProductLine("IMG")
CHENGDU = Terminal(TerminalCode("T-0001"), "华西医院", RegionCode("CN-SC-CD"))
SHANGHAI = Terminal(TerminalCode("T-0006"), "瑞金医院", RegionCode("CN-SH"))
YEAR_2026 = Validity(date(2026, 1, 1), date(2026, 12, 31))


def auth(region: str | None = None, terminal: str | None = None, line=IMG, validity=YEAR_2026):
    return Authorization(
        DealerCode("D001"),
        line,
        validity,
        RegionCode(region) if region else None,
        TerminalCode(terminal) if terminal else None,
    )


def test_a_region_authorization_covers_terminals_anywhere_below_it():
    on = date(2026, 7, 17)
    assert check_territory([auth("CN-W")], CHENGDU, IMG, on, TREE) is TerritoryVerdict.INSIDE
    assert (
        check_territory([auth("CN-W")], SHANGHAI, IMG, on, TREE)
        is TerritoryVerdict.OUTSIDE_TERRITORY
    )


def test_a_terminal_authorization_covers_that_terminal_only():
    on = date(2026, 7, 17)
    only = [auth(terminal="T-0006")]
    assert check_territory(only, SHANGHAI, IMG, on, TREE) is TerritoryVerdict.INSIDE
    assert check_territory(only, CHENGDU, IMG, on, TREE) is TerritoryVerdict.OUTSIDE_TERRITORY


def test_another_line_or_a_lapsed_authorization_is_named_as_such():
    assert (
        check_territory([auth("CN-SC")], CHENGDU, ProductLine("LAB"), date(2026, 7, 1), TREE)
        is TerritoryVerdict.LINE_NOT_AUTHORIZED
    )
    assert (
        check_territory([auth("CN-SC")], CHENGDU, IMG, date(2027, 1, 1), TREE)
        is TerritoryVerdict.AUTHORIZATION_EXPIRED
    )
    assert (
        check_territory([auth("CN-SC")], CHENGDU, IMG, date(2026, 12, 31), TREE)
        is TerritoryVerdict.INSIDE
    )


def test_a_cycle_in_region_data_does_not_hang_the_check():
    loop = RegionTree({RegionCode("A"): RegionCode("B"), RegionCode("B"): RegionCode("A")})
    assert loop.ancestors_and_self(RegionCode("A")) == ["A", "B"]


def test_without_a_set_target_next_year_is_last_year_plus_thirty_percent():
    decision = target_for(
        Period.parse("2026"), None, Decimal("2000000.00"), Decimal("0.30"), date(2018, 3, 1)
    )
    assert decision.amount == Decimal("2600000.00")
    assert decision.source is TargetSource.GROWTH and decision.assessed


def test_a_set_target_wins_over_the_growth_rule():
    decision = target_for(
        Period.parse("2026-Q3"), Decimal("5.00"), Decimal("100.00"), Decimal("0.30"), None
    )
    assert decision.amount == Decimal("5.00") and decision.source is TargetSource.SET


def test_growth_is_rounded_half_up_to_the_cent():
    decision = target_for(Period.parse("2026-07"), None, Decimal("0.05"), Decimal("0.30"), None)
    assert decision.amount == Decimal("0.07")  # 0.065 rounds up


def test_a_dealer_is_not_assessed_until_its_first_anniversary():
    since = date(2026, 4, 1)
    assert in_first_year(since, date(2027, 3, 31))
    assert not in_first_year(since, date(2027, 4, 1))
    decision = target_for(Period.parse("2026-Q3"), Decimal("1.00"), None, Decimal("0.3"), since)
    assert not decision.assessed
    assert target_for(Period.parse("2027-Q2"), None, None, Decimal("0.3"), since).assessed


def test_a_dealer_from_29_february_has_its_anniversary_on_1_march():
    assert in_first_year(date(2024, 2, 29), date(2025, 2, 28))
    assert not in_first_year(date(2024, 2, 29), date(2025, 3, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3500", "3500.00"),
        ("3,500.005", "3500.01"),
        ("¥0.004", "0.00"),
        ("-2.345", "-2.35"),
        ("￥12.5", "12.50"),
    ],
)
def test_money_is_rounded_half_up_to_the_cent(text, expected):
    assert to_money(text) == Decimal(expected)
    assert str(to_money(text)) == expected


def test_money_refuses_floats_and_non_numbers():
    for bad in (0.1, True, "abc", "NaN", "Infinity"):
        with pytest.raises(MoneyError):
            to_money(bad)


def test_a_line_amount_is_rounded_once_after_multiplying():
    assert multiply(Decimal("0.333"), 3) == Decimal("1.00")
    assert multiply(Decimal("3500.00"), 20) == Decimal("70000.00")
