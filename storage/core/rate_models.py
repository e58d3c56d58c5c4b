from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class RateBucketRow(Base):
    """One chat user's message bucket (domain/shared/rates.py), shared by every core process.

    `tat_us` is the bucket's theoretical arrival time in microseconds since the Unix epoch:
    an integer, so one UPDATE can compare and advance it on SQLite and PostgreSQL alike.
    """

    __tablename__ = "rate_buckets"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    tat_us: Mapped[int] = mapped_column(BigInteger)
    noticed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
