"""Rebate programs, their tiers, and one settlement per dealer and program."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money, UtcDateTime


class RebateProgramRow(Base):
    __tablename__ = "rebate_programs"
    __table_args__ = (UniqueConstraint("code", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16), index=True)  # 2026 or 2026-Q3
    basis: Mapped[str] = mapped_column(String(16))
    scope: Mapped[dict] = mapped_column(JSON)  # {"lines": [...], "regions": [...], "tiers": [...]}
    withhold_on_severe: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RebateTierRow(Base):
    __tablename__ = "rebate_tiers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("rebate_programs.id"), index=True)
    lower: Mapped[Decimal] = mapped_column(Money())
    upper: Mapped[Decimal | None] = mapped_column(Money())
    rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))  # percent
    amount: Mapped[Decimal | None] = mapped_column(Money())
    cap: Mapped[Decimal | None] = mapped_column(Money())


class RebateSettlementRow(Base):
    """Drafted once per dealer and program (the unique key is what two schedulers meet on)."""

    __tablename__ = "rebate_settlements"
    __table_args__ = (UniqueConstraint("program_id", "dealer_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("rebate_programs.id"), index=True)
    dealer_code: Mapped[str] = mapped_column(String(64))
    achieved: Mapped[Decimal] = mapped_column(Money())
    tier: Mapped[int | None] = mapped_column(Integer)
    gross: Mapped[Decimal] = mapped_column(Money())
    deduction: Mapped[Decimal] = mapped_column(Money())
    net: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    credited_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
