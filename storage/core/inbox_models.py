"""The inbox: every update a transport received, stored before the platform is told so."""

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class InboxRow(Base):
    """A raw update; `handled_at` commits with its effect, `done_at` once it was answered."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_platform_done_at", "platform", "done_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # arrival order
    key: Mapped[str] = mapped_column(String(200), unique=True)  # the update's dedupe key
    platform: Mapped[str] = mapped_column(String(16))
    lane: Mapped[str] = mapped_column(String(200))  # the sender: one lane, one order
    payload: Mapped[dict] = mapped_column(JSON)  # the update as the platform sent it
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    owner: Mapped[str] = mapped_column(String(64))  # the process answering it
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime())
