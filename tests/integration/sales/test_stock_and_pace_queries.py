"""The storage queries behind stock views: the latest level per dealer and product, units
sold per dealer and product (summed in SQL), and the violations of a set of sales."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.catalog.model import DealerCode, Sku, TerminalCode
from domain.sales.model import (
    Breach,
    SaleDraft,
    SaleStatus,
    Severity,
    StockLevel,
    ViolationType,
)
from tests.support import seed_catalog

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
D1, D2 = DealerCode("D001"), DealerCode("D002")
A100, X200 = Sku("A100"), Sku("X200")


@pytest.fixture
def seeded(uow_factory):
    seed_catalog(uow_factory)
    return uow_factory


def _levels(uow, *levels):
    for dealer, sku, qty, day in levels:
        uow.stock.record(StockLevel(dealer, sku, qty, day), None, NOW)


def _sale(uow, n, dealer, sku, qty, day, terminal="T-0001"):
    draft = SaleDraft(dealer, sku, qty, Decimal("3500"), TerminalCode(terminal), day)
    return uow.sales.add(draft, dedupe_key=f"k{n}", reported_by=None, now=NOW)


def test_latest_levels_are_the_newest_day_of_each_dealer_and_product(seeded):
    with seeded() as uow:
        _levels(
            uow,
            (D1, A100, 40, date(2026, 7, 1)),
            (D1, A100, 45, date(2026, 7, 10)),
            (D1, X200, 3, date(2026, 6, 1)),
            (D2, X200, 7, date(2026, 7, 5)),
        )
        uow.commit()
    with seeded() as uow:
        every = uow.stock.latest_levels(None)
        assert [(s.dealer, s.sku, s.qty, s.as_of) for s in every] == [
            (D1, A100, 45, date(2026, 7, 10)),
            (D1, X200, 3, date(2026, 6, 1)),
            (D2, X200, 7, date(2026, 7, 5)),
        ]
        assert [s.qty for s in uow.stock.latest_levels([D1], lines=["IMG"])] == [45]
        assert [s.dealer for s in uow.stock.latest_levels([D2])] == [D2]
        earlier = uow.stock.latest_levels([D1], on_or_before=date(2026, 7, 9))
        assert [(s.sku, s.qty) for s in earlier] == [(A100, 40), (X200, 3)]
        assert uow.stock.latest_levels([]) == []


def test_units_sold_are_summed_per_dealer_and_product_over_confirmed_sales_in_the_days(seeded):
    with seeded() as uow:
        _sale(uow, 1, D1, A100, 20, date(2026, 7, 3))
        _sale(uow, 2, D1, A100, 5, date(2026, 7, 17))
        withdrawn = _sale(uow, 3, D1, A100, 100, date(2026, 7, 4))
        uow.sales.set_status(withdrawn.id, SaleStatus.WITHDRAWN)
        _sale(uow, 4, D1, A100, 9, date(2026, 4, 18))  # before the window
        _sale(uow, 5, D2, X200, 4, date(2026, 7, 4), terminal="T-0012")
        uow.commit()
    with seeded() as uow:
        start, end = date(2026, 4, 19), date(2026, 7, 17)
        assert uow.sales.qty_sold(None, start, end) == {(D1, A100): 25, (D2, X200): 4}
        assert uow.sales.qty_sold([D2], start, end) == {(D2, X200): 4}
        assert uow.sales.qty_sold(None, start, end, lines=["IMG"]) == {(D1, A100): 25}
        assert uow.sales.qty_sold([], start, end) == {}


def test_violations_of_a_set_of_sales_are_found_together(seeded):
    breach = Breach(ViolationType.PRICE_BELOW_TERMINAL_FLOOR, Severity.MINOR, {})
    with seeded() as uow:
        one = _sale(uow, 1, D1, A100, 1, date(2026, 7, 3))
        two = _sale(uow, 2, D1, A100, 1, date(2026, 7, 4))
        three = _sale(uow, 3, D1, A100, 1, date(2026, 7, 5))
        uow.violations.add(D1, one.id, breach, NOW)
        uow.violations.add(D1, three.id, breach, NOW)
        uow.violations.add(D1, three.id, breach, NOW)
        uow.commit()
    with seeded() as uow:
        found = uow.violations.for_sales([one.id, two.id, three.id])
        assert [v.sale_id for v in found] == [one.id, three.id, three.id]
        assert uow.violations.for_sales([two.id]) == []
        assert uow.violations.for_sales([]) == []
