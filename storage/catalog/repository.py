from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import (
    Authorization,
    Contract,
    Dealer,
    DealerCode,
    DealerStatus,
    Manager,
    ManagerCode,
    ManagerRole,
    PricePolicy,
    Product,
    ProductLine,
    Region,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.catalog.territory import DealersByRegion, Placement, RegionTree
from storage.catalog.importer import add_one
from storage.models import (
    AuthorizationRow,
    ContractRow,
    DealerRow,
    ManagerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TerminalRow,
)

DEALER_COLUMNS = (
    DealerRow.code,
    DealerRow.name,
    DealerRow.legal_rep,
    DealerRow.phone,
    DealerRow.tier,
    DealerRow.credit_rating,
    DealerRow.deposit,
    DealerRow.since,
    DealerRow.status,
)


def dealer_from_row(row) -> Dealer:
    """A Dealer from a DealerRow, or from a row of `DEALER_COLUMNS`."""
    return Dealer(
        code=DealerCode(row.code),
        name=row.name,
        legal_rep=row.legal_rep,
        phone=row.phone,
        tier=row.tier,
        credit_rating=row.credit_rating,
        deposit=row.deposit,
        since=row.since,
        status=DealerStatus(row.status),
    )


def product_from_row(row: ProductRow) -> Product:
    aliases = tuple(a for a in (row.aliases or "").split("|") if a)
    return Product(Sku(row.sku), row.name, ProductLine(row.line), aliases, row.name_en)


class SqlCatalogRepository:
    def __init__(self, session: Session) -> None:
        self.s = session
        self._tree: RegionTree | None = None

    def dealer(self, code: DealerCode) -> Dealer | None:
        row = self.s.scalar(select(DealerRow).where(DealerRow.code == code))
        return dealer_from_row(row) if row else None

    def dealers(self, codes: Sequence[DealerCode] | None = None) -> list[Dealer]:
        # Columns, not entities: a job reads all 10,000 without filling the identity map.
        q = select(*DEALER_COLUMNS).order_by(DealerRow.code)
        if codes is not None:
            q = q.where(DealerRow.code.in_(list(codes)))
        return [dealer_from_row(r) for r in self.s.execute(q)]

    def product(self, sku: Sku) -> Product | None:
        row = self.s.scalar(select(ProductRow).where(ProductRow.sku == sku))
        return product_from_row(row) if row else None

    def products(self) -> list[Product]:
        return [product_from_row(r) for r in self.s.scalars(select(ProductRow).order_by("sku"))]

    def prices(self, sku: Sku) -> list[PricePolicy]:
        rows = self.s.scalars(
            select(PriceRow)
            .join(ProductRow)
            .where(ProductRow.sku == sku)
            .order_by(PriceRow.valid_from)
        )
        return [
            PricePolicy(
                sku=sku,
                supply_price=r.supply_price,
                min_terminal_price=r.min_terminal_price,
                min_bid_price=r.min_bid_price,
                validity=Validity(r.valid_from, r.valid_to),
            )
            for r in rows
        ]

    def terminal(self, code: TerminalCode) -> Terminal | None:
        row = self.s.execute(
            select(TerminalRow.code, TerminalRow.name, RegionRow.code, TerminalRow.name_en)
            .join(RegionRow, TerminalRow.region_id == RegionRow.id)
            .where(TerminalRow.code == code)
        ).first()
        if row is None:
            return None
        return Terminal(TerminalCode(row[0]), row[1], RegionCode(row[2]), row[3])

    def terminals(self) -> list[Terminal]:
        rows = self.s.execute(
            select(TerminalRow.code, TerminalRow.name, RegionRow.code, TerminalRow.name_en)
            .join(RegionRow, TerminalRow.region_id == RegionRow.id)
            .order_by(TerminalRow.code)
        )
        return [Terminal(TerminalCode(c), n, RegionCode(r), en) for c, n, r, en in rows]

    def add_terminal(self, terminal: Terminal) -> None:
        """One terminal, through the import's own check and upsert."""
        add_one(self.s, ImportKind.TERMINALS, terminal)

    def add_contract(self, contract: Contract) -> None:
        """One contract, through the import's own check and upsert."""
        add_one(self.s, ImportKind.CONTRACTS, contract)

    def add_dealer(self, dealer: Dealer) -> None:
        """One dealer, through the import's own upsert."""
        add_one(self.s, ImportKind.DEALERS, dealer)

    def add_authorization(self, authorization: Authorization) -> None:
        """One authorization, through the import's own check and upsert."""
        add_one(self.s, ImportKind.AUTHORIZATIONS, authorization)

    def region_tree(self) -> RegionTree:
        if self._tree is None:
            parent = aliased(RegionRow)
            rows = self.s.execute(
                select(RegionRow.code, parent.code).outerjoin(
                    parent, RegionRow.parent_id == parent.id
                )
            )
            self._tree = RegionTree(
                {RegionCode(c): (RegionCode(p) if p else None) for c, p in rows}
            )
        return self._tree

    def region(self, code: RegionCode) -> Region | None:
        parent = aliased(RegionRow)
        row = self.s.execute(
            select(RegionRow.code, RegionRow.name, parent.code, RegionRow.name_en)
            .outerjoin(parent, RegionRow.parent_id == parent.id)
            .where(RegionRow.code == code)
        ).first()
        if row is None:
            return None
        parent_code = RegionCode(row[2]) if row[2] else None
        return Region(RegionCode(row[0]), row[1], parent_code, row[3])

    def authorizations(self, dealer: DealerCode) -> list[Authorization]:
        region = aliased(RegionRow)
        rows = self.s.execute(
            select(AuthorizationRow, region.code, TerminalRow.code)
            .join(DealerRow, AuthorizationRow.dealer_id == DealerRow.id)
            .outerjoin(region, AuthorizationRow.region_id == region.id)
            .outerjoin(TerminalRow, AuthorizationRow.terminal_id == TerminalRow.id)
            .where(DealerRow.code == dealer)
        )
        return [
            Authorization(
                dealer_code=dealer,
                line=ProductLine(a.line),
                validity=Validity(a.valid_from, a.valid_to),
                region_code=RegionCode(rc) if rc else None,
                terminal_code=TerminalCode(tc) if tc else None,
            )
            for a, rc, tc in rows
        ]

    def manager(self, code: ManagerCode) -> Manager | None:
        row = self.s.scalar(select(ManagerRow).where(ManagerRow.code == code))
        if row is None:
            return None
        return Manager(
            ManagerCode(row.code),
            row.name,
            ManagerRole(row.role),
            tuple(RegionCode(mr.region.code) for mr in row.regions),
            tuple(ProductLine(line) for line in row.lines.split("|") if line),
        )

    def contracts(self, dealer: DealerCode) -> list[Contract]:
        rows = self.s.scalars(
            select(ContractRow)
            .join(DealerRow, ContractRow.dealer_id == DealerRow.id)
            .where(DealerRow.code == dealer)
            .order_by(ContractRow.start)
        )
        return [
            Contract(dealer, r.start, r.end, r.annual_target, r.deposit, r.franchise_fee)
            for r in rows
        ]

    def dealer_regions(self, dealer: DealerCode) -> list[RegionCode]:
        codes: set[RegionCode] = set()
        for auth in self.authorizations(dealer):
            if auth.region_code:
                codes.add(auth.region_code)
            elif auth.terminal_code and (t := self.terminal(auth.terminal_code)):
                codes.add(t.region_code)
        return sorted(codes)

    def placements(self, lines: Sequence[ProductLine] | None = None) -> list[Placement]:
        region = aliased(RegionRow)
        term_region = aliased(RegionRow)
        q = (
            select(DealerRow.code, region.code, term_region.code, AuthorizationRow.line)
            .join(AuthorizationRow, AuthorizationRow.dealer_id == DealerRow.id)
            .outerjoin(region, AuthorizationRow.region_id == region.id)
            .outerjoin(TerminalRow, AuthorizationRow.terminal_id == TerminalRow.id)
            .outerjoin(term_region, TerminalRow.region_id == term_region.id)
        )
        if lines is not None:
            q = q.where(AuthorizationRow.line.in_(list(lines)))
        return [
            Placement(DealerCode(code), RegionCode(rc or trc), ProductLine(line))
            for code, rc, trc, line in self.s.execute(q)
            if rc or trc
        ]

    def dealers_in_regions(
        self, regions: Sequence[RegionCode], lines: Sequence[ProductLine] | None = None
    ) -> list[DealerCode]:
        return DealersByRegion(self.placements(lines), self.region_tree()).dealers(regions)
