"""The per-user message buckets (domain/shared/rates.py), in the database every core
process shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, and_, bindparam, case, or_, select, update
from sqlalchemy.orm import Session

from domain.shared.rates import NOTICE_WINDOW, RateLimit, next_admission
from storage.dialects import insert_for
from storage.models import RateBucketRow
from storage.prepared import Prepared

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

_BUCKET = and_(
    RateBucketRow.platform == bindparam("platform"),
    RateBucketRow.user_id == bindparam("user_id"),
)
_NOW = bindparam("now_us", type_=BigInteger)
# domain.shared.rates.admit as one statement: on PostgreSQL the row lock makes concurrent messages
# of one user take turns, each seeing the TAT the one before it left.
_ADMIT = Prepared(
    update(RateBucketRow)
    .where(_BUCKET, RateBucketRow.tat_us <= bindparam("latest_us", type_=BigInteger))
    .values(
        tat_us=case((RateBucketRow.tat_us > _NOW, RateBucketRow.tat_us), else_=_NOW)
        + bindparam("interval_us", type_=BigInteger)
    )
    .returning(RateBucketRow.tat_us)
)


def _us(at: datetime) -> int:
    return (at - EPOCH) // MICROSECOND


def _at(us: int) -> datetime:
    return EPOCH + us * MICROSECOND


class SqlRateRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def admit(
        self, platform: str, user_id: str, now: datetime, limit: RateLimit
    ) -> datetime | None:
        params = {
            "platform": platform,
            "user_id": user_id,
            "now_us": _us(now),
            "latest_us": _us(now + limit.allowance),
            "interval_us": limit.interval // MICROSECOND,
        }
        conn = self.s.connection()
        if _ADMIT.rows(conn, params):
            return None
        insert = insert_for(conn)
        created = conn.execute(
            insert(RateBucketRow)
            .values(platform=platform, user_id=user_id, tat_us=_us(now + limit.interval))
            .on_conflict_do_nothing()
            .returning(RateBucketRow.tat_us)
        ).first()
        if created is not None or _ADMIT.rows(conn, params):  # a first message, or its race
            return None
        tat = conn.execute(select(RateBucketRow.tat_us).where(_BUCKET), params).scalar_one()
        return next_admission(_at(tat), limit)

    def first_notice(self, platform: str, user_id: str, now: datetime) -> bool:
        return (
            self.s.execute(
                update(RateBucketRow)
                .where(
                    RateBucketRow.platform == platform,
                    RateBucketRow.user_id == user_id,
                    or_(RateBucketRow.noticed_until.is_(None), RateBucketRow.noticed_until <= now),
                )
                .values(noticed_until=now + NOTICE_WINDOW)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )
