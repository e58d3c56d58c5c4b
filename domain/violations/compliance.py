"""Which policy rules a reported sale breaks, judged at the moment it is reported.

Policy (seeds/000_c167be665fe9e66f.txt): §7.2 a terminal price may not be under the minimum
terminal price; §7.3 a tender price may not be under the minimum bid price; §8.1 no selling
outside the authorization (窜货). An approved price exception lowers the floor it covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from domain.catalog.model import Authorization, Contract, PricePolicy, Product, Terminal
from domain.catalog.pricing import price_in_force
from domain.catalog.territory import RegionTree, TerritoryVerdict, check_territory
from domain.sales.model import (
    Breach,
    PriceException,
    SaleDraft,
    SaleFacts,
    SaleKind,
    Severity,
    ViolationType,
)

# The clause of the policy each violation type breaks (shown to the dealer and the manager).
RULES: dict[ViolationType, str] = {
    ViolationType.PRICE_BELOW_TERMINAL_FLOOR: "7.2",
    ViolationType.PRICE_BELOW_BID_FLOOR: "7.3",
    ViolationType.OUTSIDE_TERRITORY: "8.1",
    ViolationType.LINE_NOT_AUTHORIZED: "8.1",
    ViolationType.AUTHORIZATION_EXPIRED: "8.1",
    ViolationType.CONTRACT_EXPIRED: "4.1",
}

_TERRITORY: dict[TerritoryVerdict, tuple[ViolationType, Severity]] = {
    TerritoryVerdict.OUTSIDE_TERRITORY: (ViolationType.OUTSIDE_TERRITORY, Severity.SEVERE),
    TerritoryVerdict.LINE_NOT_AUTHORIZED: (ViolationType.LINE_NOT_AUTHORIZED, Severity.MAJOR),
    TerritoryVerdict.AUTHORIZATION_EXPIRED: (
        ViolationType.AUTHORIZATION_EXPIRED,
        Severity.MAJOR,
    ),
}


def applicable_exception(
    exceptions: Iterable[PriceException], sale: SaleDraft
) -> PriceException | None:
    """The exception with the lowest floor that covers this dealer, product, day and
    quantity (an exception's quantity cap, once sold, no longer covers)."""
    covering = [
        e
        for e in exceptions
        if e.sku == sale.sku
        and (e.dealer is None or e.dealer == sale.dealer)
        and e.validity.covers(sale.sold_on)
        and e.covers_qty(sale.qty)
        and (e.terminal is None or e.terminal == sale.terminal)
    ]
    return min(covering, key=lambda e: e.min_price, default=None)


def price_gap(floor: Decimal, price: Decimal) -> Decimal:
    """How far under the floor a price is, as a fraction of the floor (0 when at or above)."""
    if floor <= 0 or price >= floor:
        return Decimal(0)
    return (floor - price) / floor


def check_price(
    sale: SaleDraft,
    prices: Iterable[PricePolicy],
    exceptions: Iterable[PriceException],
    severe_gap: Decimal,
) -> Breach | None:
    policy = price_in_force(prices, sale.sold_on)
    if policy is None:
        return None  # no floor in force: nothing to judge against
    tender = sale.kind is SaleKind.TENDER
    floor = policy.floor(tender)
    exception = applicable_exception(exceptions, sale)
    if exception is not None and exception.min_price < floor:
        floor = exception.min_price
    if sale.unit_price >= floor:
        return None
    gap = price_gap(floor, sale.unit_price)
    vtype = (
        ViolationType.PRICE_BELOW_BID_FLOOR if tender else ViolationType.PRICE_BELOW_TERMINAL_FLOOR
    )
    evidence = {
        "rule": RULES[vtype],
        "floor": str(floor),
        "price": str(sale.unit_price),
        "gap": str(gap.quantize(Decimal("0.0001"))),
        "price_valid_from": policy.validity.valid_from.isoformat(),
    }
    if exception is not None:
        evidence["exception_min_price"] = str(exception.min_price)
        evidence["exception_approved_by"] = exception.approved_by
    severity = Severity.SEVERE if gap > severe_gap else Severity.MAJOR
    return Breach(vtype, severity, evidence)


def exception_used(sale: SaleDraft, facts: SaleFacts) -> PriceException | None:
    """The exception that makes a sale under the floor compliant (None: the sale is at or
    above the floor, or no exception covers it)."""
    policy = price_in_force(facts.prices, sale.sold_on)
    if policy is None:
        return None
    floor = policy.floor(sale.kind is SaleKind.TENDER)
    if sale.unit_price >= floor:
        return None
    exception = applicable_exception(facts.exceptions, sale)
    if exception is None or sale.unit_price < exception.min_price:
        return None
    return exception


def check_authorization(
    sale: SaleDraft,
    product: Product,
    terminal: Terminal,
    authorizations: Iterable[Authorization],
    tree: RegionTree,
) -> Breach | None:
    verdict = check_territory(authorizations, terminal, product.line, sale.sold_on, tree)
    if verdict is TerritoryVerdict.INSIDE:
        return None
    vtype, severity = _TERRITORY[verdict]
    return Breach(
        vtype,
        severity,
        {
            "rule": RULES[vtype],
            "terminal": terminal.code,
            "region": terminal.region_code,
            "line": product.line,
        },
    )


def check_contract(sale: SaleDraft, contracts: Iterable[Contract]) -> Breach | None:
    """With contracts on file, one must cover the day of sale; no contracts, no judgement."""
    contracts = list(contracts)
    if not contracts or any(c.start <= sale.sold_on <= c.end for c in contracts):
        return None
    last = max(contracts, key=lambda c: c.end)
    vtype = ViolationType.CONTRACT_EXPIRED
    return Breach(
        vtype, Severity.MAJOR, {"rule": RULES[vtype], "contract_end": last.end.isoformat()}
    )


def check_sale(sale: SaleDraft, facts: SaleFacts, severe_gap: Decimal) -> list[Breach]:
    """Every rule the sale breaks, each with its evidence; empty when it is clean."""
    found = [
        check_price(sale, facts.prices, facts.exceptions, severe_gap),
        check_authorization(sale, facts.product, facts.terminal, facts.authorizations, facts.tree),
        check_contract(sale, facts.contracts),
    ]
    return [b for b in found if b is not None]


def report_evidence(sale: SaleDraft) -> dict[str, str]:
    """The report itself, stored with every violation it caused."""
    return {
        "dealer": sale.dealer,
        "sku": sale.sku,
        "qty": str(sale.qty),
        "unit_price": str(sale.unit_price),
        "terminal": sale.terminal,
        "kind": sale.kind.value,
        "sold_on": sale.sold_on.isoformat(),
        "text": sale.source_text[:500],
    }
