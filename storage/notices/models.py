"""Notices, their per-contact deliveries and acknowledgements, and quiz attempts."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class NoticeRow(Base):
    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    lines: Mapped[list] = mapped_column(JSON, default=list)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    tiers: Mapped[list] = mapped_column(JSON, default=list)
    ack_by: Mapped[datetime | None] = mapped_column(UtcDateTime())
    link: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_mime: Mapped[str] = mapped_column(String(120), default="")
    file_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    # [{"q": text, "choices": [...], "answer": index}, ...]; None: no quiz
    quiz: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    overdue_reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class NoticeDeliveryRow(Base):
    """One contact queued one notice; the unique pair makes a second delivery impossible and
    `acknowledged_at` is set once (a conditional UPDATE)."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "identity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    dealer_code: Mapped[str] = mapped_column(String(64), index=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("chat_identities.id"), index=True)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class NoticeAttemptRow(Base):
    """One contact's attempt at a notice's quiz; `answered` guards each answer (compare and
    set), the unique triple a second start of the same attempt."""

    __tablename__ = "notice_attempts"
    __table_args__ = (UniqueConstraint("notice_id", "identity_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("chat_identities.id"))
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[list] = mapped_column(JSON, default=list)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    correct: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
