"""Confirmed sales summed per dealer and calendar month, kept with every write to `sales`."""

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Money


class SalesMonthlyRow(Base):
    """The sum of a dealer's confirmed sales whose `sold_on` falls in `month` (its first
    day), and `last_day`, the latest `sold_on` ever added to it: never below the latest
    counted sale's day (a withdrawal leaves it), so `last_day <= d` proves that no counted
    sale of the month is dated after `d`. Changed in the transaction of every write that
    adds, withdraws or corrects a confirmed sale (storage.sales.monthly);
    `rebuild` recomputes it."""

    __tablename__ = "sales_monthly"
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    last_day: Mapped[date] = mapped_column(Date)
