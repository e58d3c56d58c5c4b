"""Severe alerts held for managers who have no chat account linked yet."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class HeldAlertRow(Base):
    """One severe violation's alert kept for one manager until someone is told of it."""

    __tablename__ = "held_alerts"
    __table_args__ = (UniqueConstraint("violation_id", "manager_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    violation_id: Mapped[int] = mapped_column(ForeignKey("violations.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("managers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
