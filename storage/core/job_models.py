"""Scheduled job runs: one row per run, the occasion (cron fire time) it stood for and its end."""

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime
from storage.sales.models import SaleRow


class JobRunRow(Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_occasion", "job", "occasion"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    occasion: Mapped[datetime] = mapped_column(UtcDateTime())
    trigger: Mapped[str] = mapped_column(String(16))  # schedule | catch_up | manual
    outcome: Mapped[str] = mapped_column(String(16))  # ok | failed | skipped
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime())
    messages: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")


# Achievement and target alerts sum confirmed sales per dealer over a date range. With every
# column they read in one index, SQLite and PostgreSQL answer from the index alone (the
# sales table is the sales feature's; the index is the targets feature's, migration 0004).
Index("ix_sales_achievement", SaleRow.dealer_id, SaleRow.sold_on, SaleRow.status, SaleRow.amount)
