"""Everything the policy checks of one sale look at, read with lean prebuilt Core queries.

This is the hot path of every report, so the statements are built once (bound parameters,
SQLAlchemy's compiled cache does the rest) and return plain columns, not ORM objects.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Integer, bindparam, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

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
from domain.sales.model import PriceException, SaleFacts
from storage.approvals.price_exceptions import units_sold_under
from storage.models import (
    AuthorizationRow,
    ContractRow,
    DealerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TerminalRow,
)
from storage.prepared import Prepared
from storage.sales.models import PriceExceptionRow

_parent = aliased(RegionRow)
_auth_region = aliased(RegionRow)

PRODUCT_WITH_PRICES = Prepared(
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
        ProductRow.name_en,
    )
    .outerjoin(PriceRow, PriceRow.product_id == ProductRow.id)
    .where(ProductRow.sku == bindparam("sku"))
)
MAX_REGION_DEPTH = 32  # a guard against a cycle in imported parent links


def _terminal_with_regions():
    """The terminal and its region's chain of ancestors, nearest first: one recursive query.

    Only the chain matters to the territory check, so a report reads a few rows however
    large the region table is.
    """
    chain = (
        select(
            TerminalRow.code.label("terminal"),
            TerminalRow.name.label("name"),
            TerminalRow.name_en.label("name_en"),
            RegionRow.id.label("id"),
            RegionRow.code.label("code"),
            RegionRow.parent_id.label("parent_id"),
            literal_column("0", Integer).label("depth"),
        )
        .join(RegionRow, TerminalRow.region_id == RegionRow.id)
        .where(TerminalRow.code == bindparam("terminal"))
        .cte("region_chain", recursive=True)
    )
    chain = chain.union_all(
        select(
            chain.c.terminal,
            chain.c.name,
            chain.c.name_en,
            _parent.id,
            _parent.code,
            _parent.parent_id,
            chain.c.depth + 1,
        )
        .join(chain, _parent.id == chain.c.parent_id)
        .where(chain.c.depth < MAX_REGION_DEPTH)
    )
    return select(chain.c.terminal, chain.c.name, chain.c.code, chain.c.name_en).order_by(
        chain.c.depth
    )


TERMINAL_WITH_REGIONS = Prepared(_terminal_with_regions())


def _dealer_rules():
    """The dealer's contracts, its authorizations and the product's price exceptions that
    may apply to the dealer, as one UNION ALL: three short lists with different columns,
    padded with NULLs, the first column naming the list. One round trip instead of three.

    Columns: kind, two dates, three amounts, three strings. The contracts come first, so
    their column types (dates, money) decode every row.
    """
    none = null()
    contracts = (
        select(
            literal_column("'contract'").label("kind"),
            ContractRow.start,
            ContractRow.end,
            ContractRow.annual_target,
            ContractRow.deposit,
            ContractRow.franchise_fee,
            none,
            none,
            none,
        )
        .join(DealerRow, ContractRow.dealer_id == DealerRow.id)
        .where(DealerRow.code == bindparam("dealer"))
    )
    authorizations = (
        select(
            literal_column("'authorization'"),
            AuthorizationRow.valid_from,
            AuthorizationRow.valid_to,
            none,
            none,
            none,
            AuthorizationRow.line,
            _auth_region.code,
            TerminalRow.code,
        )
        .join(DealerRow, AuthorizationRow.dealer_id == DealerRow.id)
        .outerjoin(_auth_region, AuthorizationRow.region_id == _auth_region.id)
        .outerjoin(TerminalRow, AuthorizationRow.terminal_id == TerminalRow.id)
        .where(DealerRow.code == bindparam("dealer"))
    )
    exceptions = (
        select(
            literal_column("'exception'"),
            PriceExceptionRow.valid_from,
            PriceExceptionRow.valid_to,
            PriceExceptionRow.min_price,
            PriceExceptionRow.qty_cap,
            PriceExceptionRow.id,
            PriceExceptionRow.approved_by,
            DealerRow.code,
            PriceExceptionRow.terminal_code,
        )
        .join(ProductRow, PriceExceptionRow.product_id == ProductRow.id)
        .outerjoin(DealerRow, PriceExceptionRow.dealer_id == DealerRow.id)
        .where(ProductRow.sku == bindparam("sku"))
        .where(or_(PriceExceptionRow.dealer_id.is_(None), DealerRow.code == bindparam("dealer")))
        .where(PriceExceptionRow.revoked_at.is_(None))
    )
    return union_all(contracts, authorizations, exceptions)


DEALER_RULES = Prepared(_dealer_rules())


def load_sale_facts(
    session: Session, dealer: DealerCode, sku: Sku, terminal: TerminalCode
) -> tuple[Product | None, Terminal | None, SaleFacts | None]:
    """The product and terminal (None when unknown) and, when both exist, all the facts."""
    conn = session.connection()
    rows = PRODUCT_WITH_PRICES.rows(conn, {"sku": sku})
    product = None
    prices: list[PricePolicy] = []
    for sku_, name, line, aliases_, supply, floor, bid_floor, valid_from, valid_to, name_en in rows:
        aliases = tuple(a for a in (aliases_ or "").split("|") if a)
        product = Product(Sku(sku_), name, ProductLine(line), aliases, name_en)
        if valid_from is not None:
            validity = Validity(valid_from, valid_to)
            prices.append(PricePolicy(product.sku, supply, floor, bid_floor, validity))
    chain = TERMINAL_WITH_REGIONS.rows(conn, {"terminal": terminal})
    place = None
    if chain:
        code, name, region, name_en = chain[0][:4]
        place = Terminal(TerminalCode(code), name, RegionCode(region), name_en)
    if product is None or place is None:
        return product, place, None
    exceptions: list[PriceException] = []
    authorizations: list[Authorization] = []
    contracts: list[Contract] = []
    for kind, day1, day2, amount1, amount2, amount3, text1, text2, text3 in DEALER_RULES.rows(
        conn, {"sku": sku, "dealer": dealer}
    ):
        if kind == "contract":
            contracts.append(Contract(dealer, day1, day2, amount1, amount2, amount3))
        elif kind == "authorization":
            authorizations.append(
                Authorization(
                    dealer_code=dealer,
                    line=ProductLine(text1),
                    validity=Validity(day1, day2),
                    region_code=RegionCode(text2) if text2 else None,
                    terminal_code=TerminalCode(text3) if text3 else None,
                )
            )
        else:
            by = DealerCode(text2) if text2 else None
            cap = int(amount2) if amount2 is not None else None
            at = TerminalCode(text3) if text3 else None
            exceptions.append(
                PriceException(
                    sku, amount1, Validity(day1, day2), text1, by, int(amount3), cap, terminal=at
                )
            )
    capped = [e.id for e in exceptions if e.qty_cap is not None and e.id is not None]
    if capped:  # rare: only exceptions granted with a quantity cap cost this query
        used = units_sold_under(session, capped)
        exceptions = [replace(e, qty_used=used.get(e.id or 0, 0)) for e in exceptions]
    codes: list[RegionCode] = []
    for row in chain:
        if row[2] in codes:  # parent links that loop back: the chain ends here
            break
        codes.append(RegionCode(row[2]))
    tree = RegionTree(dict(zip(codes, [*codes[1:], None], strict=True)))
    facts = SaleFacts(
        product,
        place,
        tuple(prices),
        tuple(exceptions),
        tuple(authorizations),
        tuple(contracts),
        tree,
    )
    return product, place, facts
