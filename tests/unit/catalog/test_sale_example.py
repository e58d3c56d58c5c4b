"""The example a dealer's usage message shows: a product of a line they are authorized for
and a terminal that authorization covers, never a code from somebody else's territory."""

from __future__ import annotations

from datetime import date

from domain.catalog.examples import sale_example
from domain.catalog.model import (
    Authorization,
    DealerCode,
    Product,
    ProductLine,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.catalog.territory import RegionTree

TREE = RegionTree(
    {RegionCode("CN"): None, RegionCode("SC"): RegionCode("CN"), RegionCode("SH"): RegionCode("CN")}
)
PRODUCTS = [
    Product(Sku("A100"), "超声 A100", ProductLine("IMG")),
    Product(Sku("X200"), "监护仪 X200", ProductLine("MON")),
]
TERMINALS = [
    Terminal(TerminalCode("T-0001"), "华西医院", RegionCode("SC")),
    Terminal(TerminalCode("T-0012"), "瑞金医院", RegionCode("SH")),
]
TODAY = date(2026, 7, 17)
D = DealerCode("D002")


def codes(found):
    return (found[0].sku, found[1].code) if found else None


def test_a_terminal_authorization_gives_that_terminal_and_a_product_of_its_line():
    auth = Authorization(
        D, ProductLine("MON"), Validity(date(2026, 1, 1)), terminal_code=TerminalCode("T-0012")
    )
    assert codes(sale_example([auth], PRODUCTS, TERMINALS, TREE, TODAY)) == ("X200", "T-0012")


def test_a_region_authorization_gives_a_terminal_inside_the_region():
    auth = Authorization(
        D, ProductLine("IMG"), Validity(date(2026, 1, 1)), region_code=RegionCode("SC")
    )
    assert codes(sale_example([auth], PRODUCTS, TERMINALS, TREE, TODAY)) == ("A100", "T-0001")


def test_an_expired_authorization_or_a_line_without_products_gives_nothing():
    old = Authorization(
        D,
        ProductLine("IMG"),
        Validity(date(2025, 1, 1), date(2025, 12, 31)),
        region_code=RegionCode("SC"),
    )
    empty = Authorization(
        D, ProductLine("LAB"), Validity(date(2026, 1, 1)), region_code=RegionCode("SC")
    )
    assert sale_example([old, empty], PRODUCTS, TERMINALS, TREE, TODAY) is None
