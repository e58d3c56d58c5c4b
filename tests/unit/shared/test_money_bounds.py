"""Amounts with more digits than the decimal context holds are refused as money errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.catalog.import_cells import FieldError, Problem, amount
from domain.shared.money import MoneyError, to_money


@pytest.mark.parametrize("text", ["1e30", "10000000000000000000000000000000"])
def test_an_amount_too_long_to_round_to_the_fen_is_a_money_error_not_a_decimal_crash(text):
    with pytest.raises(MoneyError):
        to_money(text)


def test_an_import_cell_of_1e30_is_reported_as_a_bad_amount():
    with pytest.raises(FieldError) as caught:
        amount("1e30")
    assert caught.value.problem is Problem.BAD_AMOUNT


def test_ordinary_amounts_still_round_half_up_to_the_fen():
    assert to_money("3,500.555") == Decimal("3500.56")
