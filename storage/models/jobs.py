"""Scheduled job runs: one row per run, the occasion (cron fire time) it stood for and its end."""

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


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
