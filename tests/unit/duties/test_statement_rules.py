"""Reading a statement sheet and comparing its stock: pure rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.duties.statements import amount, is_statement_sheet, read_statement
from domain.duties.stock_gap import stock_differs, stock_gap

D1 = DealerCode("D001")
TODAY = date(2026, 7, 17)


def sheet(**overrides: str) -> list[tuple[int, list[str]]]:
    rows = {
        "经销商编码": "D001",
        "期间": "2026-06",
        "营业收入": "500000",
        "营业成本": "380000",
        "毛利（营业收入－营业成本）": "",
        "应收账款": "120000",
        "存货": "260000",
        "现金": "45000",
    }
    rows.update(overrides)
    return [(n, [k, v]) for n, (k, v) in enumerate(rows.items(), start=2)]


def codes(rows) -> list[str]:
    return [p.code for p in read_statement(rows, D1, TODAY).problems]


def test_a_complete_sheet_reads_its_month_and_figures():
    reading = read_statement(sheet(), D1, TODAY)
    assert reading.problems == () and reading.period.label == "2026-06"
    assert reading.figures.cash == Decimal("45000.00")


def test_a_month_spreadsheet_programs_turned_into_a_date_still_reads():
    assert read_statement(sheet(期间="2026-06-01"), D1, TODAY).period.label == "2026-06"


def test_every_problem_is_collected_at_once():
    found = codes(sheet(经销商编码="d002", 期间="2026-W27", 现金="abc", 存货="-1"))
    assert found == ["wrong_dealer", "bad_period", "negative", "not_a_number"]


def test_a_blank_total_is_not_checked_and_a_wrong_one_is():
    assert codes(sheet()) == []
    assert codes(sheet(**{"毛利（营业收入－营业成本）": "120,000.00"})) == []
    assert codes(sheet(**{"毛利（营业收入－营业成本）": "120000.01"})) == ["total_mismatch"]


def test_a_gross_loss_may_be_negative():
    assert codes(sheet(营业成本="600000", **{"毛利（营业收入－营业成本）": "-100000"})) == []


def test_months_not_ended_or_too_old_are_refused():
    assert codes(sheet(期间="2026-07")) == ["period_not_over"]
    assert codes(sheet(期间="2024-05")) == ["period_too_old"]


def test_missing_rows_and_repeated_rows_are_named():
    rows = [r for r in sheet() if r[1][0] != "现金"] + [(20, ["存货", "1"])]
    assert codes(rows) == ["duplicate_row", "missing"]


def test_amounts_read_as_typed():
    assert amount("¥1,234.5") == Decimal("1234.50")
    assert amount("12万") == Decimal("120000.00")
    assert amount("-3") == Decimal("-3.00")
    assert amount("1,2") is None and amount("") is None


def test_the_template_header_is_recognised_in_both_languages():
    assert is_statement_sheet(["项目", "金额", "说明"]) and is_statement_sheet(["Item", "Amount"])
    assert not is_statement_sheet(["sku", "qty"])


def test_stock_gaps_over_tolerance_are_flagged():
    tolerance = Decimal("0.10")
    assert stock_gap(Decimal("260000"), Decimal("240000")) == Decimal("0.077")
    assert not stock_differs(Decimal("260000"), Decimal("240000"), tolerance)
    assert stock_differs(Decimal("300000"), Decimal("240000"), tolerance)
    assert not stock_differs(Decimal("300000"), None, tolerance)  # nothing reported in chat
    assert stock_differs(Decimal("0"), Decimal("1"), tolerance)
