"""Tables of policy Q&A: documents and their clauses, questions asked, FAQ entries."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UtcDateTime


class PolicyDocumentRow(Base):
    """One loaded policy document; loading a document of the same name replaces it."""

    __tablename__ = "policy_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    family: Mapped[str] = mapped_column(String(120), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    source_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[str] = mapped_column(String(32))  # new on every load: invalidates indexes
    # The file it came from (its stem; several documents may share one) and how many times
    # that file has been loaded.
    source: Mapped[str] = mapped_column(String(120), index=True, server_default="")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    clauses: Mapped[list["PolicyClauseRow"]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="PolicyClauseRow.ordinal",
    )


class PolicyClauseRow(Base):
    __tablename__ = "policy_clauses"
    __table_args__ = (UniqueConstraint("document_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("policy_documents.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    section: Mapped[str] = mapped_column(String(400))
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[PolicyDocumentRow] = relationship(back_populates="clauses")


class PolicyVectorRow(Base):
    """A sentence vector of a policy text (float32 bytes), by model and SHA-1 of the text:
    derived data, kept so that a restart or a second worker embeds nothing again."""

    __tablename__ = "policy_vectors"
    model: Mapped[str] = mapped_column(String(40), primary_key=True)
    digest: Mapped[str] = mapped_column(String(40), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class PolicyQuestionRow(Base):
    """A question a user asked, what the bot answered, and what happened next."""

    __tablename__ = "policy_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    dealer_code: Mapped[str | None] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    refs: Mapped[list] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(80), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    rating: Mapped[str | None] = mapped_column(String(8))
    faq_id: Mapped[int | None] = mapped_column(ForeignKey("policy_faq.id", ondelete="SET NULL"))


class PolicyFaqRow(Base):
    """A question and answer a manager wrote for reuse; once published it ranks first for
    the same question, for the dealers of its scope."""

    __tablename__ = "policy_faq"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    source_question_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revision: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), server_default="draft")
    scope: Mapped[str] = mapped_column(String(16), server_default="all")
    scope_codes: Mapped[str] = mapped_column(Text, server_default="")  # "|"-joined codes
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
