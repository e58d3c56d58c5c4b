"""Everything the policy checks of one sale look at, read with lean prebuilt Core queries.

This is the hot path of every report, so the statements are built once (bound parameters,
SQLAlchemy's compiled cache does the rest) and return plain columns, not ORM objects.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from domain.catalog import (
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
from domain.compliance import SaleFacts
from domain.sales import PriceException
from domain.territory import RegionTree
from storage.models import (
    AuthorizationRow,
    ContractRow,
    DealerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TerminalRow,
)
from storage.models.sales import PriceExceptionRow

_parent = aliased(RegionRow)
_auth_region = aliased(RegionRow)

PRODUCT_WITH_PRICES = (
    select(
        ProductRow.sku,
        ProductRow.name,
        ProductRow.line,
        ProductRow.aliases,
        PriceRow.supply_price,
        PriceRow.min_terminal_price,
        PriceRow.min_bid_price,
        PriceRow.valid_from,
        PriceRow.valid_to,
    )
    .outerjoin(PriceRow, PriceRow.product_id == ProductRow.id)
    .where(ProductRow.sku == bindparam("sku"))
)
TERMINAL = (
    select(TerminalRow.code, TerminalRow.name, RegionRow.code)
    .join(RegionRow, TerminalRow.region_id == RegionRow.id)
    .where(TerminalRow.code == bindparam("terminal"))
)
EXCEPTIONS = (
    select(
        PriceExceptionRow.min_price,
        PriceExceptionRow.valid_from,
        PriceExceptionRow.valid_to,
        PriceExceptionRow.approved_by,
        DealerRow.code,
    )
    .join(ProductRow, PriceExceptionRow.product_id == ProductRow.id)
    .outerjoin(DealerRow, PriceExceptionRow.dealer_id == DealerRow.id)
    .where(ProductRow.sku == bindparam("sku"))
    .where(or_(PriceExceptionRow.dealer_id.is_(None), DealerRow.code == bindparam("dealer")))
)
AUTHORIZATIONS = (
    select(
        AuthorizationRow.line,
        AuthorizationRow.valid_from,
        AuthorizationRow.valid_to,
        _auth_region.code,
        TerminalRow.code,
    )
    .join(DealerRow, AuthorizationRow.dealer_id == DealerRow.id)
    .outerjoin(_auth_region, AuthorizationRow.region_id == _auth_region.id)
    .outerjoin(TerminalRow, AuthorizationRow.terminal_id == TerminalRow.id)
    .where(DealerRow.code == bindparam("dealer"))
)
CONTRACTS = (
    select(
        ContractRow.start,
        ContractRow.end,
        ContractRow.annual_target,
        ContractRow.deposit,
        ContractRow.franchise_fee,
    )
    .join(DealerRow, ContractRow.dealer_id == DealerRow.id)
    .where(DealerRow.code == bindparam("dealer"))
)
REGION_PARENTS = select(RegionRow.code, _parent.code).outerjoin(
    _parent, RegionRow.parent_id == _parent.id
)


def load_sale_facts(
    session: Session, dealer: DealerCode, sku: Sku, terminal: TerminalCode
) -> tuple[Product | None, Terminal | None, SaleFacts | None]:
    """The product and terminal (None when unknown) and, when both exist, all the facts."""
    conn = session.connection()
    rows = conn.execute(PRODUCT_WITH_PRICES, {"sku": sku}).all()
    product = None
    prices: list[PricePolicy] = []
    for r in rows:
        aliases = tuple(a for a in (r.aliases or "").split("|") if a)
        product = Product(Sku(r.sku), r.name, ProductLine(r.line), aliases)
        if r.valid_from is not None:
            prices.append(
                PricePolicy(
                    product.sku,
                    r.supply_price,
                    r.min_terminal_price,
                    r.min_bid_price,
                    Validity(r.valid_from, r.valid_to),
                )
            )
    found = conn.execute(TERMINAL, {"terminal": terminal}).first()
    place = Terminal(TerminalCode(found[0]), found[1], RegionCode(found[2])) if found else None
    if product is None or place is None:
        return product, place, None
    params = {"sku": sku, "dealer": dealer}
    exceptions = tuple(
        PriceException(sku, r[0], Validity(r[1], r[2]), r[3], DealerCode(r[4]) if r[4] else None)
        for r in conn.execute(EXCEPTIONS, params)
    )
    authorizations = tuple(
        Authorization(
            dealer_code=dealer,
            line=ProductLine(line),
            validity=Validity(start, end),
            region_code=RegionCode(region) if region else None,
            terminal_code=TerminalCode(term) if term else None,
        )
        for line, start, end, region, term in conn.execute(AUTHORIZATIONS, params)
    )
    contracts = tuple(Contract(dealer, *r) for r in conn.execute(CONTRACTS, params))
    tree = RegionTree(
        {RegionCode(c): (RegionCode(p) if p else None) for c, p in conn.execute(REGION_PARENTS)}
    )
    facts = SaleFacts(product, place, tuple(prices), exceptions, authorizations, contracts, tree)
    return product, place, facts
