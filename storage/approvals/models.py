"""Approval requests, one row per decision taken on them, and managers' stand-ins."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class ApprovalRequestRow(Base):
    __tablename__ = "approval_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    dealer_code: Mapped[str | None] = mapped_column(String(40), index=True)
    requester: Mapped[str] = mapped_column(String(80), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    chain: Mapped[list] = mapped_column(JSON)  # step rules as text, "marketing_director"
    step: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped by every decision
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    step_started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reminded_step: Mapped[int] = mapped_column(Integer, default=-1)
    escalated_step: Mapped[int] = mapped_column(Integer, default=-1)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApprovalDecisionRow(Base):
    """A decision on a request at one version: unique, so two presses cannot both land."""

    __tablename__ = "approval_decisions"
    __table_args__ = (UniqueConstraint("request_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))
    for_manager: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)


class ApprovalDelegationRow(Base):
    __tablename__ = "approval_delegations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_code: Mapped[str] = mapped_column(String(40), index=True)
    delegate_code: Mapped[str] = mapped_column(String(40), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
