"""Duty submissions of their own: nil reports, and financial statements by version."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money, UtcDateTime


class DutyNilReportRow(Base):
    """ "Nothing this period" (本期无销售), once per dealer, duty and period."""

    __tablename__ = "duty_nil_reports"
    __table_args__ = (UniqueConstraint("dealer_code", "duty", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_code: Mapped[str] = mapped_column(String(64))
    duty: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))  # 2026-W28 or 2026-07
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    filed_by: Mapped[str] = mapped_column(String(80))


class FinancialStatementRow(Base):
    """Append-only: a re-upload is the next version; the highest version is in force."""

    __tablename__ = "financial_statements"
    __table_args__ = (UniqueConstraint("dealer_code", "period", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_code: Mapped[str] = mapped_column(String(64), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    version: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Money())
    cost: Mapped[Decimal] = mapped_column(Money())
    receivables: Mapped[Decimal] = mapped_column(Money())
    inventory: Mapped[Decimal] = mapped_column(Money())
    cash: Mapped[Decimal] = mapped_column(Money())
    source: Mapped[str] = mapped_column(String(8))  # xlsx | form
    file_name: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submitted_by: Mapped[str] = mapped_column(String(80))
