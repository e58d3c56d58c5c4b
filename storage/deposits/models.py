"""The deposit ledger: one row per entry, never updated."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money, UtcDateTime


class DepositEntryRow(Base):
    __tablename__ = "deposit_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_code: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money())  # positive; the kind gives the sign
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(80))
    recorded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    key: Mapped[str] = mapped_column(String(200), unique=True)
