"""Reading and typing import files, before any database is involved."""

import io
import time
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from bot.importing import describe
from bot.spreadsheets import MAX_UNPACKED_MB, SpreadsheetError, read_table
from domain.catalog.import_kinds import ImportKind
from domain.catalog.imports import Problem, parse_table, region_cycles
from tests.xlsx_files import many_rows_xlsx


def parse(kind: ImportKind, csv_text: str):
    return parse_table(kind, read_table(csv_text.encode("utf-8")))


def problems(result) -> list[tuple[int, str, Problem]]:
    return [(e.row, e.column, e.problem) for e in result.errors]


def test_a_csv_with_a_bom_and_chinese_names_reads_cleanly():
    table = read_table("\ufeffcode,name,parent_code\r\nCN,中国,\r\n\r\nSC,四川,CN\r\n".encode())
    assert table.header == ["code", "name", "parent_code"]
    assert table.rows == [(2, ["CN", "中国", ""]), (4, ["SC", "四川", "CN"])]


def test_the_first_sheet_of_an_xlsx_reads_with_dates_and_numbers_as_typed():
    book = Workbook()
    sheet = book.active
    sheet.append(["sku", "supply_price", "min_terminal_price", "min_bid_price", "valid_from"])
    sheet.append(["A100", 2600, 3200.5, 3000.0, datetime(2026, 1, 1)])
    book.create_sheet("ignored").append(["nothing", "here"])
    buf = io.BytesIO()
    book.save(buf)
    table = read_table(buf.getvalue(), "prices.xlsx")
    assert table.rows == [(2, ["A100", "2600", "3200.5", "3000", "2026-01-01"])]
    record = parse_table(ImportKind.PRICES, table).records[0][1]
    assert record.min_terminal_price == Decimal("3200.50")
    assert record.validity.valid_from == date(2026, 1, 1)


def test_bytes_that_are_not_utf8_name_the_line():
    content = "code,name,parent_code\nCN,中国,\n".encode("gbk")
    with pytest.raises(SpreadsheetError) as caught:
        read_table(content)
    assert caught.value.error.problem is Problem.NOT_UTF8
    assert caught.value.error.row == 2


@pytest.mark.parametrize("content", [b"", b"  \n\n", b",,\n"])
def test_an_empty_file_is_refused_as_empty(content):
    with pytest.raises(SpreadsheetError) as caught:
        read_table(content)
    assert caught.value.error.problem is Problem.EMPTY_FILE


def test_something_that_is_not_a_workbook_is_unreadable():
    with pytest.raises(SpreadsheetError) as caught:
        read_table(b"PK\x03\x04garbage", "x.xlsx")
    assert caught.value.error.problem is Problem.UNREADABLE


def test_a_header_without_rows_is_its_own_problem():
    assert problems(parse(ImportKind.REGIONS, "code,name,parent_code\n")) == [
        (0, "", Problem.NO_ROWS)
    ]


def test_each_missing_column_is_named_and_extra_columns_are_ignored():
    result = parse(ImportKind.TERMINALS, "Code,remark\nT-1,x\n")
    assert problems(result) == [
        (1, "name", Problem.MISSING_COLUMN),
        (1, "region_code", Problem.MISSING_COLUMN),
    ]
    assert "missing column 'name'" in describe(result.errors[0], ImportKind.TERMINALS)


def test_optional_columns_may_be_left_out_of_the_header():
    result = parse(ImportKind.DEALERS, "code,name\nD1,成都华西\n")
    assert result.errors == []
    dealer = result.records[0][1]
    assert dealer.deposit == Decimal("0.00") and dealer.since is None


def test_every_bad_row_is_reported_with_row_column_and_reason():
    result = parse(
        ImportKind.PRICES,
        "sku,supply_price,min_terminal_price,min_bid_price,valid_from,valid_to\n"
        "A100,2600,3200,3000,2026-01-01,\n"
        "A200,-1,3200,3000,2026-01-01,\n"
        "A300,abc,3200,3000,2026/02/30,\n"
        "A400,1,2,3,2026-05-01,2026-04-30\n",
    )
    assert problems(result) == [
        (3, "supply_price", Problem.NEGATIVE_AMOUNT),
        (4, "supply_price", Problem.BAD_AMOUNT),
        (4, "valid_from", Problem.BAD_DATE),
        (5, "valid_to", Problem.DATES_REVERSED),
    ]
    assert [r for r, _ in result.records] == [2]
    assert describe(result.errors[0], ImportKind.PRICES).startswith(
        "row 3, column supply_price: negative amount -1;"
    )


@pytest.mark.parametrize(
    "text", ["2026-07-01", "2026/7/1", "2026.07.01", "20260701", "2026年7月1日"]
)
def test_dates_are_read_in_the_usual_chinese_and_iso_forms(text):
    result = parse(ImportKind.DEALERS, f"code,name,since\nD1,x,{text}\n")
    assert result.records[0][1].since == date(2026, 7, 1)


def test_a_code_given_twice_in_a_file_is_a_duplicate_of_its_first_row():
    result = parse(ImportKind.REGIONS, "code,name,parent_code\nCN,中国,\nSC,四川,CN\nSC,蜀,CN\n")
    assert problems(result) == [(4, "code", Problem.DUPLICATE)]
    assert "first given on row 3" in describe(result.errors[0], ImportKind.REGIONS)


def test_targets_parse_every_period_form_and_refuse_others():
    result = parse(
        ImportKind.TARGETS,
        "dealer_code,period,amount\nD1,2026,100\nD1,2026-Q3,50\nD1,2026-07,10\nD1,2026-13,1\n",
    )
    assert [str(r.period) for _, r in result.records] == ["2026", "2026-Q3", "2026-07"]
    assert problems(result) == [(5, "period", Problem.BAD_PERIOD)]


def test_an_authorization_names_a_region_or_a_terminal_not_both_nor_neither():
    header = "dealer_code,region_code,terminal_code,line,valid_from,valid_to\n"
    result = parse(
        ImportKind.AUTHORIZATIONS,
        header + "D1,SC,,IMG,2026-01-01,\nD1,,T-1,IMG,2026-01-01,\n"
        "D1,SC,T-1,IMG,2026-01-01,\nD1,,,IMG,2026-01-01,\n",
    )
    assert problems(result) == [
        (4, "region_code", Problem.REGION_OR_TERMINAL),
        (5, "region_code", Problem.REGION_OR_TERMINAL),
    ]


def test_managers_roles_and_region_lists():
    result = parse(
        ImportKind.MANAGERS,
        "code,name,role,region_codes\nM1,王经理,Sales_Manager,CN-W|CN-E\nM2,李,boss,\n",
    )
    assert result.records[0][1].region_codes == ("CN-W", "CN-E")
    assert problems(result) == [(3, "role", Problem.BAD_ROLE)]


def test_region_loops_are_found_including_a_region_that_is_its_own_parent():
    parents = {"A": "B", "B": "C", "C": "A", "D": "D", "E": None, "F": "A"}
    loops = region_cycles(parents, ["A", "D", "E", "F"])
    assert loops == {"A": ["A", "B", "C", "A"], "D": ["D", "D"]}


def test_an_import_xlsx_that_unpacks_past_the_cap_is_refused_before_it_is_parsed():
    content = many_rows_xlsx(1_000_000)  # 79 MB of XML in a 7.9 MB file
    started = time.monotonic()
    with pytest.raises(SpreadsheetError) as caught:
        read_table(content, "terminals.xlsx")
    assert time.monotonic() - started < 2
    assert caught.value.error.problem is Problem.UNREADABLE
    assert f"more than the {MAX_UNPACKED_MB} MB" in caught.value.error.params["detail"]
