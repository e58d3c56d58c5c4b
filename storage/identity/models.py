"""Tables of who is talking: chat identities, one-time invite codes and wrong tries."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class ChatIdentityRow(Base):
    """A chat user (platform, user id) linked to a dealer contact or a manager."""

    __tablename__ = "chat_identities"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(128))  # where proactive messages go
    display_name: Mapped[str] = mapped_column(String(200), default="")
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("managers.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    undeliverable: Mapped[bool] = mapped_column(default=False)
    linked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class InviteRow(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(
        String(64), unique=True
    )  # domain.identity.actors.code_hash
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("managers.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(ForeignKey("chat_identities.id"))


class InviteAttemptRow(Base):
    """Failed `start CODE` tries, for the per-user hourly limit."""

    __tablename__ = "invite_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
