"""Tables of the conversation kernel: open forms, dedupe keys, audit log, outbox."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class FormStateRow(Base):
    """A guided form in progress for (platform, chat, user); survives restarts."""

    __tablename__ = "form_states"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    form: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InboundSeenRow(Base):
    """Dedupe keys of inbound updates already handled; inserted with their effect."""

    __tablename__ = "inbound_seen"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    replies: Mapped[list] = mapped_column(JSON, default=list)  # answered again on redelivery


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    actor: Mapped[str] = mapped_column(String(80))  # dealer:D001 / manager:M01 / anonymous
    action: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")


class OutboxRow(Base):
    """A proactive message; the unique dedupe key makes producing it idempotent."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    chat_id: Mapped[str] = mapped_column(String(128))
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("chat_identities.id"))
    payload: Mapped[dict] = mapped_column(JSON)  # a serialized Reply
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Retries run from the first failure for the configured window ([outbox] retry_hours).
    first_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # given up (or blocked)
    failure_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # in a digest


class OutboxChatRow(Base):
    """When a chat may get its next proactive message; every worker takes turns through it."""

    __tablename__ = "outbox_chats"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime())
