"""The decision log: one row per decision, undo or reopen; rows are only ever added."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_kind_subject", "kind", "subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(80))
    act: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Unique: a decision is taken back once, however many presses or workers race for it.
    reverses: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), unique=True)
