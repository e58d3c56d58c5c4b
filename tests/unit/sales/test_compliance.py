"""Policy checks at report time, at the edges of each rule."""

from datetime import date
from decimal import Decimal

import pytest

from domain.catalog.model import (
    Authorization,
    Contract,
    DealerCode,
    PricePolicy,
    Product,
    ProductLine,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.catalog.territory import RegionTree
from domain.sales.model import (
    PriceException,
    SaleDraft,
    SaleFacts,
    SaleKind,
    Severity,
    ViolationType,
)
from domain.violations.compliance import check_sale

D001 = DealerCode("D001")
A100 = Product(Sku("A100"), "超声诊断仪 A100", ProductLine("IMG"))
CHENGDU = Terminal(TerminalCode("T-0001"), "华西医院", RegionCode("CD"))
SHANGHAI = Terminal(TerminalCode("T-0012"), "瑞金医院", RegionCode("SH"))
TREE = RegionTree(
    {
        RegionCode("CN"): None,
        RegionCode("SC"): RegionCode("CN"),
        RegionCode("CD"): RegionCode("SC"),
        RegionCode("SH"): RegionCode("CN"),
    }
)
PRICE = PricePolicy(
    Sku("A100"), Decimal("2400"), Decimal("3000.00"), Decimal("2700.00"), Validity(date(2026, 1, 1))
)
SICHUAN_IMG = Authorization(
    D001, ProductLine("IMG"), Validity(date(2026, 1, 1)), region_code=RegionCode("SC")
)
GAP = Decimal("0.10")


def sale(price: str, *, kind=SaleKind.RETAIL, terminal=CHENGDU, day=date(2026, 7, 17)):
    return SaleDraft(D001, Sku("A100"), 20, Decimal(price), terminal.code, day, kind)


def facts(*, terminal=CHENGDU, auths=(SICHUAN_IMG,), exceptions=(), contracts=(), prices=(PRICE,)):
    return SaleFacts(
        A100, terminal, tuple(prices), tuple(exceptions), tuple(auths), tuple(contracts), TREE
    )


def types(breaches):
    return [b.type for b in breaches]


def test_a_sale_exactly_at_the_floor_is_clean():
    assert check_sale(sale("3000.00"), facts(), GAP) == []


def test_a_sale_one_cent_under_the_floor_is_a_violation():
    [breach] = check_sale(sale("2999.99"), facts(), GAP)
    assert breach.type is ViolationType.PRICE_BELOW_TERMINAL_FLOOR
    assert breach.severity is Severity.MAJOR
    assert breach.evidence["floor"] == "3000.00" and breach.evidence["rule"] == "7.2"


def test_a_tender_is_judged_against_the_bid_floor_not_the_terminal_floor():
    assert check_sale(sale("2700.00", kind=SaleKind.TENDER), facts(), GAP) == []
    [breach] = check_sale(sale("2699.99", kind=SaleKind.TENDER), facts(), GAP)
    assert breach.type is ViolationType.PRICE_BELOW_BID_FLOOR
    assert breach.evidence["rule"] == "7.3"


def test_exactly_the_severe_gap_under_the_floor_is_major_and_more_is_severe():
    [at_gap] = check_sale(sale("2700.00"), facts(), GAP)  # 10% under
    assert at_gap.severity is Severity.MAJOR
    [beyond] = check_sale(sale("2699.99"), facts(), GAP)
    assert beyond.severity is Severity.SEVERE


def test_authorization_of_a_parent_region_covers_a_terminal_in_a_child_region():
    assert check_sale(sale("3000"), facts(terminal=CHENGDU), GAP) == []


def test_a_terminal_outside_the_authorized_regions_is_severe_cross_region_selling():
    [breach] = check_sale(sale("3000", terminal=SHANGHAI), facts(terminal=SHANGHAI), GAP)
    assert breach.type is ViolationType.OUTSIDE_TERRITORY
    assert breach.severity is Severity.SEVERE
    assert breach.evidence["region"] == "SH"


def test_an_authorization_naming_the_terminal_covers_it():
    auth = Authorization(
        D001, ProductLine("IMG"), Validity(date(2026, 1, 1)), terminal_code=TerminalCode("T-0012")
    )
    assert (
        check_sale(sale("3000", terminal=SHANGHAI), facts(terminal=SHANGHAI, auths=[auth]), GAP)
        == []
    )


def test_a_product_line_the_dealer_is_not_authorized_for_is_a_violation():
    other_line = Authorization(
        D001, ProductLine("MON"), Validity(date(2026, 1, 1)), region_code=RegionCode("SC")
    )
    breaches = check_sale(sale("3000"), facts(auths=[other_line]), GAP)
    assert types(breaches) == [ViolationType.LINE_NOT_AUTHORIZED]


def test_an_authorization_expired_the_day_before_is_a_violation_and_on_its_last_day_is_not():
    lapsed = Authorization(
        D001,
        ProductLine("IMG"),
        Validity(date(2026, 1, 1), date(2026, 7, 16)),
        region_code=RegionCode("SC"),
    )
    assert types(check_sale(sale("3000"), facts(auths=[lapsed]), GAP)) == [
        ViolationType.AUTHORIZATION_EXPIRED
    ]
    assert check_sale(sale("3000", day=date(2026, 7, 16)), facts(auths=[lapsed]), GAP) == []


def test_a_sale_after_the_contract_ended_is_a_violation():
    contract = Contract(
        D001, date(2025, 7, 17), date(2026, 7, 16), Decimal("1"), Decimal("0"), Decimal("0")
    )
    assert types(check_sale(sale("3000"), facts(contracts=[contract]), GAP)) == [
        ViolationType.CONTRACT_EXPIRED
    ]
    day = date(2026, 7, 16)
    assert check_sale(sale("3000", day=day), facts(contracts=[contract]), GAP) == []


def test_no_contract_on_file_is_not_judged():
    assert check_sale(sale("3000"), facts(contracts=[]), GAP) == []


@pytest.mark.parametrize("dealer", [D001, None])
def test_an_approved_price_exception_exempts_a_sale_at_or_above_its_price(dealer):
    exc = PriceException(
        Sku("A100"),
        Decimal("2800"),
        Validity(date(2026, 7, 1), date(2026, 7, 31)),
        "manager:M01",
        dealer,
    )
    assert check_sale(sale("2800.00"), facts(exceptions=[exc]), GAP) == []
    [breach] = check_sale(sale("2799.99"), facts(exceptions=[exc]), GAP)
    assert breach.evidence["floor"] == "2800"
    assert breach.evidence["exception_approved_by"] == "manager:M01"


def test_an_exception_out_of_its_dates_or_for_another_dealer_does_not_apply():
    expired = PriceException(
        Sku("A100"),
        Decimal("2800"),
        Validity(date(2026, 1, 1), date(2026, 6, 30)),
        "manager:M01",
        D001,
    )
    other = PriceException(
        Sku("A100"), Decimal("2800"), Validity(date(2026, 1, 1)), "m", DealerCode("D002")
    )
    for exc in (expired, other):
        assert types(check_sale(sale("2800"), facts(exceptions=[exc]), GAP)) == [
            ViolationType.PRICE_BELOW_TERMINAL_FLOOR
        ]


def test_an_exception_never_raises_the_floor():
    high = PriceException(Sku("A100"), Decimal("3500"), Validity(date(2026, 1, 1)), "m", D001)
    assert check_sale(sale("3000"), facts(exceptions=[high]), GAP) == []


def test_without_a_price_in_force_the_price_is_not_judged():
    future = PricePolicy(
        Sku("A100"), Decimal("1"), Decimal("3000"), Decimal("2700"), Validity(date(2027, 1, 1))
    )
    assert check_sale(sale("1"), facts(prices=[future]), GAP) == []


def test_a_sale_can_break_several_rules_at_once():
    breaches = check_sale(sale("100", terminal=SHANGHAI), facts(terminal=SHANGHAI), GAP)
    assert set(types(breaches)) == {
        ViolationType.PRICE_BELOW_TERMINAL_FLOOR,
        ViolationType.OUTSIDE_TERRITORY,
    }
