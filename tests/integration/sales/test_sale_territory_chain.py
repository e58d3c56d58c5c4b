"""The territory check reads only the terminal's chain of regions, however deep or large the
region table is, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.catalog.model import DealerCode, Sku, TerminalCode, Validity
from storage.models import AuthorizationRow, DealerRow, RegionRow, TerminalRow
from storage.sales.sale_facts import load_sale_facts
from tests.support import seed_catalog


def _add_chain(uow_factory) -> None:
    """SC > Chengdu > Wuhou > Street, a terminal at the street, 300 unrelated regions."""
    with uow_factory() as uow:
        s = uow.session
        parent = s.scalar(select(RegionRow).where(RegionRow.code == "SC"))
        for code in ("CD", "CD-WH", "CD-WH-1"):
            parent = RegionRow(code=code, name=code, parent=parent)
            s.add(parent)
        s.add(TerminalRow(code="T-DEEP", name="街道卫生院", region=parent))
        cn = s.scalar(select(RegionRow).where(RegionRow.code == "CN"))
        s.add_all(RegionRow(code=f"X{n:03}", name=f"X{n}", parent=cn) for n in range(300))
        s.add(TerminalRow(code="T-FAR", name="远方医院", region=RegionRow(code="FAR", name="远")))
        uow.commit()


def _facts(uow_factory, terminal: str):
    with uow_factory() as uow:
        return load_sale_facts(uow.session, DealerCode("D001"), Sku("A100"), TerminalCode(terminal))


def test_a_terminal_three_levels_below_the_authorized_region_is_inside_it(uow_factory):
    seed_catalog(uow_factory)
    _add_chain(uow_factory)
    _, terminal, facts = _facts(uow_factory, "T-DEEP")
    assert terminal is not None and terminal.region_code == "CD-WH-1"
    assert facts.tree.ancestors_and_self(terminal.region_code) == [
        "CD-WH-1",
        "CD-WH",
        "CD",
        "SC",
        "CN",
    ]
    assert facts.tree.is_within(terminal.region_code, "SC")
    assert len(facts.tree.parents) == 5  # the chain only, not the 300 other regions


def test_a_terminal_in_a_region_outside_the_tree_has_a_chain_of_one(uow_factory):
    seed_catalog(uow_factory)
    _add_chain(uow_factory)
    _, terminal, facts = _facts(uow_factory, "T-FAR")
    assert facts.tree.ancestors_and_self(terminal.region_code) == ["FAR"]
    assert not facts.tree.is_within(terminal.region_code, "SC")


def test_an_unknown_terminal_has_no_facts(uow_factory):
    seed_catalog(uow_factory)
    product, terminal, facts = _facts(uow_factory, "T-NONE")
    assert product is not None and terminal is None and facts is None


def test_a_cycle_in_imported_parent_links_ends_the_chain(uow_factory):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        a = RegionRow(code="LOOP-A", name="A")
        b = RegionRow(code="LOOP-B", name="B", parent=a)
        s.add_all([a, b])
        s.flush()
        a.parent_id = b.id
        s.add(TerminalRow(code="T-LOOP", name="环", region=b))
        dealer = s.scalar(select(DealerRow).where(DealerRow.code == "D001"))
        s.add(AuthorizationRow(dealer=dealer, region=a, line="IMG", valid_from=date(2026, 1, 1)))
        uow.commit()
    _, terminal, facts = _facts(uow_factory, "T-LOOP")
    assert facts.tree.ancestors_and_self(terminal.region_code) == ["LOOP-B", "LOOP-A"]
    assert facts.tree.is_within(terminal.region_code, "LOOP-A")


def test_contracts_authorizations_and_exceptions_come_back_typed_from_one_read(uow_factory):
    from decimal import Decimal

    from storage.models import ContractRow, ProductRow
    from storage.sales.models import PriceExceptionRow

    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        d1 = s.scalar(select(DealerRow).where(DealerRow.code == "D001"))
        d2 = s.scalar(select(DealerRow).where(DealerRow.code == "D002"))
        a100 = s.scalar(select(ProductRow).where(ProductRow.sku == "A100"))
        s.add(
            ContractRow(
                dealer=d1,
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
                annual_target=Decimal("1200000.00"),
                deposit=Decimal("50000.00"),
                franchise_fee=Decimal("8000.50"),
            )
        )
        for dealer, price in ((d1, "2800.00"), (None, "2900.00"), (d2, "2000.00")):
            s.add(
                PriceExceptionRow(
                    dealer_id=dealer.id if dealer else None,
                    product_id=a100.id,
                    min_price=Decimal(price),
                    valid_from=date(2026, 3, 1),
                    valid_to=date(2026, 3, 31),
                    approved_by="李总",
                    created_at=datetime(2026, 2, 1, tzinfo=UTC),
                )
            )
        uow.commit()
    _, _, facts = _facts(uow_factory, "T-0001")
    (contract,) = facts.contracts
    assert (contract.start, contract.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert contract.annual_target == Decimal("1200000.00")
    assert contract.franchise_fee == Decimal("8000.50")
    (auth,) = facts.authorizations
    assert (auth.line, auth.region_code, auth.terminal_code) == ("IMG", "SC", None)
    assert auth.validity == Validity(date(2026, 1, 1), None)
    prices = sorted((e.min_price, e.dealer) for e in facts.exceptions)
    assert prices == [(Decimal("2800.00"), "D001"), (Decimal("2900.00"), None)]  # not D002's
    assert all(e.approved_by == "李总" for e in facts.exceptions)
