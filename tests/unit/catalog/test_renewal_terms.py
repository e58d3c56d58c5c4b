"""The pre-filled renewal term: dates, the target's growth, the first-year exemption."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.catalog.model import Contract, DealerCode
from domain.catalog.renewal import (
    Terms,
    TermsRefused,
    check_terms,
    next_contract,
    one_year_from,
    proposed_terms,
)

CONTRACT = Contract(
    DealerCode("D001"),
    date(2026, 1, 1),
    date(2026, 12, 31),
    Decimal("1000000"),
    Decimal("50000"),
    Decimal("8000"),
)


def test_the_next_term_starts_the_day_after_the_end_and_runs_one_year():
    terms = proposed_terms(CONTRACT, Decimal("0.30"), date(2020, 3, 1))
    assert (terms.start, terms.end) == (date(2027, 1, 1), date(2027, 12, 31))


def test_the_target_grows_by_the_growth_rate_to_the_cent():
    assert proposed_terms(CONTRACT, Decimal("0.30"), None).annual_target == Decimal("1300000.00")
    odd = Contract(CONTRACT.dealer_code, CONTRACT.start, CONTRACT.end, Decimal("333.33"), 0, 0)
    assert proposed_terms(odd, Decimal("0.30"), None).annual_target == Decimal("433.33")


def test_a_dealer_still_in_its_first_year_when_the_term_starts_is_not_assessed():
    assert proposed_terms(CONTRACT, Decimal("0.3"), date(2020, 3, 1)).assessed
    assert not proposed_terms(CONTRACT, Decimal("0.3"), date(2026, 6, 1)).assessed
    assert proposed_terms(CONTRACT, Decimal("0.3"), date(2026, 1, 1)).assessed


def test_a_leap_day_start_ends_a_year_later_on_the_28th():
    assert one_year_from(date(2028, 2, 29)) == date(2029, 2, 28)
    assert one_year_from(date(2027, 3, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("terms", "key"),
    [
        (Terms(date(2026, 12, 31), date(2027, 12, 31), Decimal(1)), "renewal.refused.overlaps"),
        (
            Terms(date(2027, 2, 1), date(2027, 1, 31), Decimal(1)),
            "renewal.refused.end_before_start",
        ),
        (
            Terms(date(2027, 1, 1), date(2027, 12, 31), Decimal(-1)),
            "renewal.refused.negative_target",
        ),
    ],
)
def test_terms_that_cannot_make_a_contract_are_refused_by_name(terms, key):
    with pytest.raises(TermsRefused) as refused:
        check_terms(CONTRACT, terms)
    assert refused.value.key == key


def test_the_new_contract_keeps_the_deposit_and_fee():
    terms = proposed_terms(CONTRACT, Decimal("0.30"), None)
    new = next_contract(CONTRACT, terms)
    assert (new.start, new.end, new.annual_target) == (terms.start, terms.end, terms.annual_target)
    assert (new.deposit, new.franchise_fee) == (CONTRACT.deposit, CONTRACT.franchise_fee)
