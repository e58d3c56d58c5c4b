"""Market sizes per region, line and period, and one scorecard per dealer and period."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money, UtcDateTime


class MarketSizeRow(Base):
    __tablename__ = "market_sizes"
    __table_args__ = (UniqueConstraint("region_id", "line", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    line: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())


class ScorecardRow(Base):
    """Drafted once per dealer and period (the unique key is what two schedulers meet on)."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("dealer_code", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_code: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16), index=True)
    scores: Mapped[list] = mapped_column(JSON)  # one object per criterion
    total: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    grade: Mapped[str | None] = mapped_column(String(8))
    consequences: Mapped[list] = mapped_column(JSON)
    tier: Mapped[str] = mapped_column(String(20), default="")
    new_tier: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[int | None] = mapped_column(Integer)
    adjustments: Mapped[list] = mapped_column(JSON, default=list)
    appeal: Mapped[str] = mapped_column(Text, default="")
    appeal_request_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
