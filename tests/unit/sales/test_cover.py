"""Days of cover: the latest stock divided by the recent daily sales pace."""

from __future__ import annotations

from datetime import date

from domain.catalog.model import DealerCode, Sku
from domain.sales.cover import PACE_DAYS, covers, days_of_cover, pace_window
from domain.sales.model import StockLevel


def test_the_pace_window_is_the_ninety_days_ending_on_the_day():
    window = pace_window(date(2026, 7, 17))
    assert (window.start, window.end, window.days) == (date(2026, 4, 19), date(2026, 7, 17), 90)
    assert (window.end - window.start).days + 1 == PACE_DAYS


def test_cover_is_stock_over_units_sold_per_day_rounded_down():
    assert days_of_cover(45, 30) == 135
    assert days_of_cover(10, 90) == 10
    assert days_of_cover(10, 91) == 9
    assert days_of_cover(0, 30) == 0


def test_without_sales_in_the_window_there_is_no_cover_figure():
    assert days_of_cover(45, 0) is None


def test_each_level_gets_its_own_dealers_sales_of_that_product():
    levels = [
        StockLevel(DealerCode("D001"), Sku("A100"), 45, date(2026, 7, 1)),
        StockLevel(DealerCode("D002"), Sku("A100"), 20, date(2026, 7, 2)),
    ]
    sold = {(DealerCode("D001"), Sku("A100")): 30, (DealerCode("D001"), Sku("X200")): 99}
    found = covers(levels, sold, pace_window(date(2026, 7, 17)))
    assert [(c.sold, c.days) for c in found] == [(30, 135), (0, None)]
