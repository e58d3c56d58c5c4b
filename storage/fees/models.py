"""Fee budgets, requests, claims and their proof files (committed and spent are sums)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money, UtcDateTime


class FeeBudgetRow(Base):
    """One amount per period, region, line ('' for all) and promotion (0 for none)."""

    __tablename__ = "fee_budgets"
    __table_args__ = (UniqueConstraint("period", "region_code", "line", "promotion_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    region_code: Mapped[str] = mapped_column(String(40))
    line: Mapped[str] = mapped_column(String(40), default="")
    promotion_id: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(Money())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeeRequestRow(Base):
    __tablename__ = "fee_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_code: Mapped[str] = mapped_column(String(40), index=True)
    region_code: Mapped[str] = mapped_column(String(40))
    activity: Mapped[str] = mapped_column(String(16))
    promotion_id: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(Text)
    expected: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money())
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("fee_budgets.id"), index=True)
    over_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), index=True)
    approval_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeeClaimRow(Base):
    """At most one claim per request (the unique key is what a double submission meets)."""

    __tablename__ = "fee_claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("fee_requests.id"), unique=True)
    dealer_code: Mapped[str] = mapped_column(String(40), index=True)
    actual: Mapped[Decimal] = mapped_column(Money())
    claimed: Mapped[Decimal] = mapped_column(Money())
    results: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    approval_id: Mapped[int | None] = mapped_column(Integer, index=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    payout: Mapped[str | None] = mapped_column(String(16))
    payment_ref: Mapped[str] = mapped_column(String(200), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FeeProofRow(Base):
    __tablename__ = "fee_proofs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("fee_claims.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
