"""Tables of sales reporting: sales, stock levels, price exceptions, drafts and violations."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money, UtcDateTime


class SaleRow(Base):
    """One reported sale. Every report has a terminal: the policy (§5.1) makes dealers name
    the terminal they sell to, and the territory check cannot judge a sale without one."""

    __tablename__ = "sales"
    __table_args__ = (
        # Target achievement sums confirmed sales of a dealer over a date range.
        Index("ix_sales_dealer_id_sold_on", "dealer_id", "sold_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"), index=True)
    qty: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())
    kind: Mapped[str] = mapped_column(String(16))  # retail | tender
    sold_on: Mapped[date] = mapped_column(Date)  # business day in the company timezone
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("chat_identities.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"))
    source_text: Mapped[str] = mapped_column(Text, default="")


class StockRow(Base):
    __tablename__ = "stock_levels"
    __table_args__ = (UniqueConstraint("dealer_id", "product_id", "as_of"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("chat_identities.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PriceExceptionRow(Base):
    """An approved lower floor for one product; dealer_id NULL applies to every dealer."""

    __tablename__ = "price_exceptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    min_price: Mapped[Decimal] = mapped_column(Money())
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set on exceptions granted through an approval request (or confirmed by a manager).
    qty_cap: Mapped[int | None] = mapped_column(Integer)
    # The terminal a requested exception was asked for (None: any of the dealer's terminals).
    terminal_code: Mapped[str | None] = mapped_column(String(40))
    request_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class SaleDraftRow(Base):
    """A sale read from free text, shown with Confirm / Edit / Cancel; nothing is recorded
    until Confirm, whose button carries this id."""

    __tablename__ = "sale_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ViolationRow(Base):
    __tablename__ = "violations"
    __table_args__ = (Index("ix_violations_dealer_id_status", "dealer_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    penalty: Mapped[str | None] = mapped_column(String(32))
    penalty_amount: Mapped[Decimal | None] = mapped_column(Money())  # a fine's, a confiscation's
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
