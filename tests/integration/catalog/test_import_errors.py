"""Catalog imports that must fail on SQLite and PostgreSQL: every bad file and every bad
reference gets its own message naming row and column, and nothing is stored."""

from __future__ import annotations

import pytest

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from storage.models import TerminalRow
from tests.integration.catalog.test_imports import TABLE_OF, count, import_all, quiet, write

BAD_FILES = [
    (
        "missing column",
        ImportKind.TERMINALS,
        b"code,name\nT-9,x\n",
        "row 1, column region_code: missing column 'region_code'; "
        "the header must name: code,name,region_code",
    ),
    (
        "unknown region",
        ImportKind.TERMINALS,
        "code,name,region_code\nT-9,新医院,CN-XX\n".encode(),
        "row 2, column region_code: unknown region 'CN-XX' (import regions first)",
    ),
    (
        "negative price",
        ImportKind.PRICES,
        b"sku,supply_price,min_terminal_price,min_bid_price,valid_from,valid_to\n"
        b"A100,2600,-3200,3000,2027-01-01,\n",
        "row 2, column min_terminal_price: negative amount -3200; amounts must be 0 or more",
    ),
    (
        "duplicate code",
        ImportKind.DEALERS,
        "code,name\nD009,甲\nD009,乙\n".encode(),
        "row 3, column code: duplicate code 'D009' (first given on row 2)",
    ),
    (
        "wrong date",
        ImportKind.CONTRACTS,
        b"dealer_code,start,end,annual_target,deposit,franchise_fee\n"
        b"D001,2027-02-30,2027-12-31,1,1,1\n",
        "row 2, column start: '2027-02-30' is not a date (write YYYY-MM-DD, e.g. 2026-07-01)",
    ),
    (
        "non-UTF-8 bytes",
        ImportKind.REGIONS,
        "code,name,parent_code\nCN-GD,广东省,CN\n".encode("gbk"),
        'row 2: the file is not UTF-8 text (first bad byte at offset 28); save it as "CSV UTF-8"',
    ),
    (
        "empty file",
        ImportKind.MANAGERS,
        b"",
        "the file is empty; expected a header row: code,name,role,region_codes",
    ),
]


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_a_bad_file_gets_its_own_message_and_stores_nothing(
    uow_factory, tmp_path, kind, content, message
):
    import_all(uow_factory, tmp_path, "csv")
    before = {k: count(uow_factory, model) for k, model in TABLE_OF.items()}
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = run_import(uow_factory, kind, path, quiet())
    assert not result.ok
    assert describe(result.errors[0], kind).startswith(message)
    assert {k: count(uow_factory, model) for k, model in TABLE_OF.items()} == before


def test_good_rows_are_not_stored_when_another_row_is_bad(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    rows = [
        ["code", "name", "region_code"],
        ["T-0100", "好医院", "CN-SC"],
        ["T-0101", "", "CN-SC"],
        ["T-0102", "坏区域医院", "CN-ZZ"],
        ["T-0103", "好医院二", "CN-SC-CD"],
    ]
    result = run_import(
        uow_factory, ImportKind.TERMINALS, write(tmp_path, "t", rows, "xlsx"), quiet()
    )
    assert [describe(e, ImportKind.TERMINALS) for e in result.errors] == [
        "row 3, column name: name is required",
        "row 4, column region_code: unknown region 'CN-ZZ' (import regions first)",
    ]
    assert count(uow_factory, TerminalRow) == 2


def test_unknown_references_of_every_kind_are_named(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    cases = [
        (
            ImportKind.PRICES,
            ["sku", "supply_price", "min_terminal_price", "min_bid_price", "valid_from"],
            ["Z9", "1", "1", "1", "2026-01-01"],
            "unknown product",
        ),
        (
            ImportKind.TARGETS,
            ["dealer_code", "period", "amount"],
            ["D404", "2026", "1"],
            "unknown dealer",
        ),
        (
            ImportKind.AUTHORIZATIONS,
            ["dealer_code", "region_code", "terminal_code", "line", "valid_from"],
            ["D001", "", "T-404", "IMG", "2026-01-01"],
            "unknown terminal",
        ),
        (
            ImportKind.AUTHORIZATIONS,
            ["dealer_code", "region_code", "terminal_code", "line", "valid_from"],
            ["D001", "CN", "", "TOYS", "2026-01-01"],
            "no product has line 'TOYS'",
        ),
        (
            ImportKind.MANAGERS,
            ["code", "name", "role", "region_codes"],
            ["M9", "x", "admin", "CN|CN-404"],
            "unknown region 'CN-404'",
        ),
    ]
    for kind, header, row, message in cases:
        result = run_import(uow_factory, kind, write(tmp_path, "x", [header, row], "csv"), quiet())
        assert message in describe(result.errors[0], kind), kind
