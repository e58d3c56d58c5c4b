"""Catalog imports on SQLite and PostgreSQL: round trips, all-or-nothing, idempotence."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from rich.console import Console
from sqlalchemy import func, select

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import (
    Authorization,
    Dealer,
    DealerCode,
    Manager,
    ManagerCode,
    ManagerRole,
    PricePolicy,
    Product,
    ProductLine,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from storage.models import (
    AuthorizationRow,
    ContractRow,
    DealerRow,
    ManagerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TargetRow,
    TerminalRow,
)

D = date
CATALOG: list[tuple[ImportKind, list[list[object]]]] = [
    (
        ImportKind.REGIONS,
        [
            ["code", "name", "parent_code"],
            ["CN-SC", "四川省", "CN-W"],  # its parent comes later in the file
            ["CN-W", "西南大区", "CN"],
            ["CN", "中国", ""],
            ["CN-SC-CD", "成都市", "CN-SC"],
        ],
    ),
    (
        ImportKind.TERMINALS,
        [
            ["code", "name", "region_code"],
            ["T-0001", "华西医院", "CN-SC-CD"],
            ["T-0002", "四川省人民医院", "CN-SC"],
        ],
    ),
    (
        ImportKind.PRODUCTS,
        [
            ["sku", "name", "line", "aliases"],
            ["A100", "超声诊断仪 A100", "IMG", "A-100|超声A100"],
            ["X200", "监护仪 X200", "MON", ""],
        ],
    ),
    (
        ImportKind.PRICES,
        [
            [
                "sku",
                "supply_price",
                "min_terminal_price",
                "min_bid_price",
                "valid_from",
                "valid_to",
            ],
            ["A100", "2400", "3000", "2800.5", D(2025, 1, 1), D(2025, 12, 31)],
            ["A100", "2600", "3200", "3000", D(2026, 1, 1), ""],
        ],
    ),
    (
        ImportKind.DEALERS,
        [
            ["code", "name", "legal_rep", "phone", "tier", "credit_rating", "deposit", "since"],
            [
                "D001",
                "成都华西医疗器械有限公司",
                "张伟",
                "13800000001",
                "A",
                "AAA",
                "500000",
                D(2018, 3, 1),
            ],
            ["D002", "昆明春城医疗", "赵磊", "", "C", "B", "", ""],
        ],
    ),
    (
        ImportKind.CONTRACTS,
        [
            ["dealer_code", "start", "end", "annual_target", "deposit", "franchise_fee"],
            ["D001", D(2026, 1, 1), D(2026, 12, 31), "2600000", "500000", "50000"],
        ],
    ),
    (
        ImportKind.AUTHORIZATIONS,
        [
            ["dealer_code", "region_code", "terminal_code", "line", "valid_from", "valid_to"],
            ["D001", "CN-SC", "", "IMG", D(2025, 1, 1), D(2026, 12, 31)],
            ["D002", "", "T-0002", "MON", D(2026, 1, 1), ""],
        ],
    ),
    (
        ImportKind.TARGETS,
        [
            ["dealer_code", "period", "amount"],
            ["D001", "2026", "2600000"],
            ["D001", "2026-q3", "650000.5"],
            ["D001", "2026-07", "216666.67"],
        ],
    ),
    (
        ImportKind.MANAGERS,
        [
            ["code", "name", "role", "region_codes"],
            ["M001", "周总", "admin", ""],
            ["M002", "王经理", "sales_manager", "CN-W|CN-SC"],
        ],
    ),
]
TABLE_OF = {
    ImportKind.REGIONS: RegionRow,
    ImportKind.TERMINALS: TerminalRow,
    ImportKind.PRODUCTS: ProductRow,
    ImportKind.PRICES: PriceRow,
    ImportKind.DEALERS: DealerRow,
    ImportKind.CONTRACTS: ContractRow,
    ImportKind.AUTHORIZATIONS: AuthorizationRow,
    ImportKind.TARGETS: TargetRow,
    ImportKind.MANAGERS: ManagerRow,
}


def write(tmp_path: Path, name: str, rows: list[list[object]], fmt: str) -> Path:
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append([None if cell == "" else cell for cell in row])
        book.save(path)
    else:
        buf = io.StringIO()
        csv.writer(buf).writerows([[str(c) for c in row] for row in rows])
        path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def quiet() -> Console:
    return Console(file=io.StringIO(), force_terminal=False)


def import_all(uow_factory, tmp_path: Path, fmt: str):
    results = []
    for kind, rows in CATALOG:
        result = run_import(uow_factory, kind, write(tmp_path, kind.value, rows, fmt), quiet())
        assert result.ok, [describe(e, kind) for e in result.errors]
        results.append(result)
    return results


def count(uow_factory, model) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_kind_round_trips(uow_factory, tmp_path, fmt):
    results = import_all(uow_factory, tmp_path, fmt)
    assert [r.created for r in results] == [len(rows) - 1 for _, rows in CATALOG]

    with uow_factory() as uow:
        cat = uow.catalog
        assert dict(cat.region_tree().parents) == {
            "CN": None,
            "CN-W": "CN",
            "CN-SC": "CN-W",
            "CN-SC-CD": "CN-SC",
        }
        assert cat.region(RegionCode("CN-SC-CD")).name == "成都市"
        assert cat.terminals() == [
            Terminal(TerminalCode("T-0001"), "华西医院", RegionCode("CN-SC-CD")),
            Terminal(TerminalCode("T-0002"), "四川省人民医院", RegionCode("CN-SC")),
        ]
        assert cat.product(Sku("A100")) == Product(
            Sku("A100"), "超声诊断仪 A100", ProductLine("IMG"), ("A-100", "超声A100")
        )
        assert cat.prices(Sku("A100")) == [
            PricePolicy(
                Sku("A100"),
                Decimal("2400.00"),
                Decimal("3000.00"),
                Decimal("2800.50"),
                Validity(D(2025, 1, 1), D(2025, 12, 31)),
            ),
            PricePolicy(
                Sku("A100"),
                Decimal("2600.00"),
                Decimal("3200.00"),
                Decimal("3000.00"),
                Validity(D(2026, 1, 1), None),
            ),
        ]
        assert cat.dealer(DealerCode("D001")) == Dealer(
            DealerCode("D001"),
            "成都华西医疗器械有限公司",
            "张伟",
            "13800000001",
            "A",
            "AAA",
            Decimal("500000.00"),
            D(2018, 3, 1),
        )
        assert cat.dealer(DealerCode("D002")).deposit == Decimal("0.00")
        assert cat.authorizations(DealerCode("D002")) == [
            Authorization(
                DealerCode("D002"),
                ProductLine("MON"),
                Validity(D(2026, 1, 1), None),
                None,
                TerminalCode("T-0002"),
            )
        ]
        assert cat.dealers_in_regions([RegionCode("CN-W")]) == ["D001", "D002"]
        manager = cat.manager(ManagerCode("M002"))
        assert manager == Manager(
            ManagerCode("M002"),
            "王经理",
            ManagerRole.SALES_MANAGER,
            manager.region_codes,
        )
        assert sorted(manager.region_codes) == ["CN-SC", "CN-W"]
        s = uow.session
        targets = {p: a for p, a in s.execute(select(TargetRow.period, TargetRow.amount))}
        assert targets == {
            "2026": Decimal("2600000.00"),
            "2026-Q3": Decimal("650000.50"),
            "2026-07": Decimal("216666.67"),
        }
        contract = s.scalar(select(ContractRow))
        assert (contract.start, contract.end, contract.annual_target, contract.franchise_fee) == (
            D(2026, 1, 1),
            D(2026, 12, 31),
            Decimal("2600000.00"),
            Decimal("50000.00"),
        )


def test_importing_the_same_files_again_changes_nothing(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    again = import_all(uow_factory, tmp_path, "xlsx")
    assert [(r.created, r.updated) for r in again] == [(0, 0)] * len(CATALOG)
    assert [r.unchanged for r in again] == [len(rows) - 1 for _, rows in CATALOG]
    for kind, rows in CATALOG:
        assert count(uow_factory, TABLE_OF[kind]) == len(rows) - 1


def test_a_changed_row_updates_the_stored_one_by_its_code(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    dealers = [
        ["code", "name", "tier", "deposit"],
        ["D001", "成都华西医疗器械有限公司", "B", "600000"],
        ["D003", "新经销商", "C", "1"],
    ]
    result = run_import(
        uow_factory, ImportKind.DEALERS, write(tmp_path, "d2", dealers, "csv"), quiet()
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    managers = [
        ["code", "name", "role", "region_codes"],
        ["M002", "王经理", "sales_manager", "CN-SC"],
    ]
    result = run_import(
        uow_factory, ImportKind.MANAGERS, write(tmp_path, "m2", managers, "csv"), quiet()
    )
    assert result.updated == 1
    with uow_factory() as uow:
        d1 = uow.catalog.dealer(DealerCode("D001"))
        assert (d1.tier, d1.deposit, d1.legal_rep) == ("B", Decimal("600000.00"), "")
        assert uow.catalog.manager(ManagerCode("M002")).region_codes == ("CN-SC",)
    assert count(uow_factory, DealerRow) == 3


def test_moving_a_region_under_a_new_parent_defined_later_in_the_file(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    rows = [["code", "name", "parent_code"], ["CN-SC", "四川省", "CN-SW"], ["CN-SW", "西南", "CN"]]
    result = run_import(uow_factory, ImportKind.REGIONS, write(tmp_path, "r", rows, "csv"), quiet())
    assert (result.created, result.updated) == (1, 1)
    with uow_factory() as uow:
        assert uow.catalog.region_tree().ancestors_and_self(RegionCode("CN-SC-CD")) == [
            "CN-SC-CD",
            "CN-SC",
            "CN-SW",
            "CN",
        ]


def test_a_parent_loop_through_stored_regions_is_refused(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    rows = [["code", "name", "parent_code"], ["CN", "中国", "CN-SC-CD"]]
    result = run_import(uow_factory, ImportKind.REGIONS, write(tmp_path, "r", rows, "csv"), quiet())
    assert [describe(e, ImportKind.REGIONS) for e in result.errors] == [
        "row 2, column parent_code: region parents form a loop: CN > CN-SC-CD > CN-SC > CN-W > CN"
    ]
    with uow_factory() as uow:
        assert uow.catalog.region_tree().parents["CN"] is None


def test_a_long_file_imports_with_a_progress_bar(uow_factory, tmp_path):
    import_all(uow_factory, tmp_path, "csv")
    rows = [["code", "name", "region_code"]] + [
        [f"T-{n:05d}", f"医院{n}", "CN-SC-CD"] for n in range(3, 1203)
    ]
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    result = run_import(
        uow_factory, ImportKind.TERMINALS, write(tmp_path, "t", rows, "csv"), console
    )
    assert (result.created, result.ok) == (1200, True)
    assert "importing terminals" in out.getvalue()
    assert count(uow_factory, TerminalRow) == 1202


def test_managers_take_marketing_roles_and_product_lines_checked_against_the_products(
    uow_factory, tmp_path
):
    import_all(uow_factory, tmp_path, "csv")
    managers = [
        ["code", "name", "role", "region_codes", "lines"],
        ["M101", "周经理", "product_line_manager", "CN-SC", "IMG|MON"],
        ["M102", "孙总监", "marketing_director", "CN", ""],
        ["M103", "钱专员", "marketing_admin", "CN", ""],
    ]
    result = run_import(
        uow_factory, ImportKind.MANAGERS, write(tmp_path, "m3", managers, "csv"), quiet()
    )
    assert result.ok and result.created == 3, [
        describe(e, ImportKind.MANAGERS) for e in result.errors
    ]
    with uow_factory() as uow:
        assert uow.catalog.manager(ManagerCode("M101")).lines == ("IMG", "MON")
        assert uow.catalog.manager(ManagerCode("M102")).lines == ()
    bad = [["code", "name", "role", "lines"], ["M104", "吴经理", "product_line_manager", "XRAY"]]
    result = run_import(
        uow_factory, ImportKind.MANAGERS, write(tmp_path, "m4", bad, "csv"), quiet()
    )
    [error] = [describe(e, ImportKind.MANAGERS) for e in result.errors]
    assert error.startswith("row 2, column lines:") and "XRAY" in error, error
