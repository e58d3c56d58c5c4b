"""Catalog tables: regions, terminals, products, prices, dealers, contracts, authorizations,
targets, managers and contract renewals."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, Money


class RegionRow(Base):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    parent: Mapped["RegionRow | None"] = relationship(remote_side=[id])


class TerminalRow(Base):
    __tablename__ = "terminals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    region: Mapped[RegionRow] = relationship()


class ProductRow(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    line: Mapped[str] = mapped_column(String(64), index=True)
    aliases: Mapped[str] = mapped_column(Text, default="")  # "|"-separated


class PriceRow(Base):
    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("product_id", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    supply_price: Mapped[Decimal] = mapped_column(Money())
    min_terminal_price: Mapped[Decimal] = mapped_column(Money())
    min_bid_price: Mapped[Decimal] = mapped_column(Money())
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    product: Mapped[ProductRow] = relationship()


class DealerRow(Base):
    __tablename__ = "dealers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_rep: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    tier: Mapped[str] = mapped_column(String(20), default="", index=True)
    credit_rating: Mapped[str] = mapped_column(String(20), default="")
    deposit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    since: Mapped[date | None] = mapped_column(Date)


class ContractRow(Base):
    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("dealer_id", "start"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date, index=True)
    annual_target: Mapped[Decimal] = mapped_column(Money())
    deposit: Mapped[Decimal] = mapped_column(Money())
    franchise_fee: Mapped[Decimal] = mapped_column(Money())
    dealer: Mapped[DealerRow] = relationship()


class ContractRenewalRow(Base):
    """One renewal per contract (dealer and end): its state, the proposed term, the
    approval request, or the termination notice."""

    __tablename__ = "contract_renewals"
    __table_args__ = (UniqueConstraint("dealer_code", "contract_end"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_code: Mapped[str] = mapped_column(String(64))
    contract_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    annual_target: Mapped[Decimal | None] = mapped_column(Money())
    assessed: Mapped[bool | None] = mapped_column()
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    proposed_by: Mapped[str] = mapped_column(String(64), default="")
    notice_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthorizationRow(Base):
    __tablename__ = "authorizations"
    __table_args__ = (UniqueConstraint("dealer_id", "region_id", "terminal_id", "line"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"))
    line: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    dealer: Mapped[DealerRow] = relationship()
    region: Mapped[RegionRow | None] = relationship()
    terminal: Mapped[TerminalRow | None] = relationship()


class TargetRow(Base):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("dealer_id", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # 2026 | 2026-Q3 | 2026-07
    amount: Mapped[Decimal] = mapped_column(Money())
    dealer: Mapped[DealerRow] = relationship()


class ManagerRow(Base):
    __tablename__ = "managers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    # A product-line manager's lines, "|"-joined; empty: every line.
    lines: Mapped[str] = mapped_column(String(400), default="", server_default="")
    regions: Mapped[list["ManagerRegionRow"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class ManagerRegionRow(Base):
    __tablename__ = "manager_regions"
    manager_id: Mapped[int] = mapped_column(ForeignKey("managers.id"), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    region: Mapped[RegionRow] = relationship(lazy="joined")
