"""A dealer application (its fields as filled in, visit, terms, state) and its documents."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class ApplicationRow(Base):
    __tablename__ = "dealer_applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The duplicate guard's keys, as columns (the rest of the form is `details`).
    company_name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    details: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    requester: Mapped[str] = mapped_column(String(120), index=True)
    chat: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    visit: Mapped[dict | None] = mapped_column(JSON)
    terms: Mapped[dict | None] = mapped_column(JSON)
    terms_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dealer_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApplicationDocumentRow(Base):
    """A file as received: its size and SHA-256 beside the bytes."""

    __tablename__ = "dealer_application_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("dealer_applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
