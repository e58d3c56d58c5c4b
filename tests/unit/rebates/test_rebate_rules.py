"""Rebate arithmetic: tier edges, rounding to the fen, what-if, withholding, tier tables."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from domain.catalog.import_cells import FieldError, Problem, scope
from domain.rebates.model import Basis, Program, Scope, Sold, Tier
from domain.rebates.rules import TableProblem, accrue, pays, settle, table_problems, what_if
from domain.shared.periods import Period

TIERS = (
    Tier(D("500000"), D("935400"), rate=D("3")),
    Tier(D("935400"), D("2000000"), rate=D("5")),
    Tier(D("2000000"), None, rate=D("6"), cap=D("150000")),
)


def program(basis: Basis = Basis.AMOUNT, tiers=TIERS) -> Program:
    return Program(1, "Q3-RB", Period.parse("2026-Q3"), basis, Scope(), tiers)


@pytest.mark.parametrize(
    ("sales", "tier"),
    [
        ("499999.99", None),
        ("500000.00", 0),  # from is inclusive
        ("935399.99", 0),  # to is exclusive
        ("935400.00", 1),
        ("2000000.00", 2),
    ],
)
def test_a_figure_falls_in_the_tier_from_its_lower_edge_up_to_but_not_its_upper(sales, tier):
    assert accrue(program(), Sold(D(sales)), None, False).tier == tier


def test_a_rate_is_rounded_half_up_to_the_fen_and_a_cap_bounds_it():
    assert pays(Tier(D("0"), None, rate=D("3")), D("100.50")) == D("3.02")  # 3.015
    assert pays(Tier(D("0"), None, rate=D("3")), D("100.49")) == D("3.01")  # 3.0147
    assert pays(Tier(D("0"), None, rate=D("6"), cap=D("150000")), D("3000000")) == D("150000.00")
    assert pays(Tier(D("0"), None, amount=D("8000")), D("1")) == D("8000.00")


def test_what_if_names_the_sales_still_needed_and_the_extra_rebate_for_two_tiers():
    accrual = accrue(program(), Sold(D("849000.00")), None, False)
    assert accrual.rebate == D("25470.00")
    first, second = what_if(program(), accrual)
    assert (first.tier, first.more, first.rebate, first.gain) == (
        1,
        D("86400.00"),
        D("46770.00"),
        D("21300.00"),
    )
    assert (second.tier, second.more, second.gain) == (2, D("1151000.00"), D("94530.00"))


def test_below_the_first_tier_the_first_tier_is_the_next_and_the_top_tier_has_none():
    below = accrue(program(), Sold(D("100000")), None, False)
    assert below.rebate == D("0.00") and what_if(program(), below)[0].more == D("400000.00")
    top = accrue(program(), Sold(D("2500000")), None, False)
    assert what_if(program(), top) == []


def test_a_target_basis_reads_the_cut_percentage_and_asks_for_sales_to_the_cent():
    tiers = (Tier(D("80"), D("100"), rate=D("2")), Tier(D("100"), None, rate=D("4")))
    p = program(Basis.TARGET_PERCENT, tiers)
    just_under = accrue(p, Sold(D("999999.99")), D("1000000"), False)
    assert just_under.figure == D("99.99") and just_under.tier == 0
    assert accrue(p, Sold(D("1000000.00")), D("1000000"), False).tier == 1
    step = what_if(p, just_under)[0]
    assert step.more == D("0.01") and step.rebate == D("40000.00")
    assert accrue(p, Sold(D("5")), None, False).tier is None  # no target: nothing to read


def test_a_quantity_basis_values_the_extra_units_at_the_average_price_so_far():
    tiers = (Tier(D("0"), D("100"), rate=D("1")), Tier(D("100"), None, rate=D("2")))
    p = program(Basis.QUANTITY, tiers)
    step = what_if(p, accrue(p, Sold(D("8000.00"), 80), None, False))[0]
    assert step.more == D(20) and not step.more_is_money and step.rebate == D("200.00")
    blank = what_if(p, accrue(p, Sold(D("0"), 0), None, False))[0]
    assert blank.tier == 1 and blank.rebate is None


def test_a_withheld_rebate_is_settled_with_all_of_it_deducted():
    accrual = accrue(program(), Sold(D("600000")), None, True)
    s = settle(1, "D001", accrual, "severe_violation")
    assert (s.gross, s.deduction, s.net, s.tier) == (D("18000.00"), D("18000.00"), D("0.00"), 1)
    kept = settle(1, "D001", accrue(program(), Sold(D("600000")), None, False), "x")
    assert (kept.deduction, kept.net, kept.reason) == (D("0.00"), D("18000.00"), "")


def test_a_tier_table_with_a_gap_or_an_overlap_names_both_rows():
    rows = [
        (2, Tier(D("0"), D("100"), rate=D("1"))),
        (3, Tier(D("150"), D("300"), rate=D("2"))),
        (4, Tier(D("250"), None, rate=D("3"))),
        (5, Tier(D("900"), D("800"), rate=D("3"))),
    ]
    found = table_problems(rows)
    assert (3, TableProblem.GAP, 2) in found
    assert (4, TableProblem.OVERLAP, 3) in found
    assert (5, TableProblem.EMPTY, 5) in found and (5, TableProblem.OVERLAP, 4) in found
    assert table_problems([*rows[:1], (3, Tier(D("100"), None, rate=D("2")))]) == []


def test_a_scope_cell_reads_lines_regions_and_tiers_and_refuses_anything_else():
    assert scope("line=A|B; region=EAST; tier=gold") == Scope(("A", "B"), ("EAST",), ("gold",))
    assert Scope(tiers=("gold",)).covers("gold", []) and not Scope(tiers=("gold",)).covers("", [])
    assert Scope(regions=("EAST",)).covers("", ["EAST"])
    with pytest.raises(FieldError) as bad:
        scope("colour=red")
    assert bad.value.problem is Problem.BAD_SCOPE
