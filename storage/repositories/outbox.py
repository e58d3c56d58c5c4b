from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from domain.outbox import OutboxItem, OutboxStatus, OutgoingMessage
from storage.db import READ_ONLY
from storage.models import OutboxRow


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        dedupe_key=row.dedupe_key,
        platform=row.platform,
        chat_id=row.chat_id,
        payload=row.payload,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        not_before=row.not_before,
        sent_at=row.sent_at,
        last_error=row.last_error,
        identity_id=row.identity_id,
    )


def _due(platform: str, now: datetime, chat_id: str | None) -> Select:
    """Ids of messages due now: pending, or leased to a sender whose lease ran out."""
    due = select(OutboxRow.id).where(
        OutboxRow.platform == platform,
        OutboxRow.not_before <= now,
        or_(
            OutboxRow.status == OutboxStatus.PENDING,
            (OutboxRow.status == OutboxStatus.SENDING) & (OutboxRow.claimed_until < now),
        ),
    )
    return due if chat_id is None else due.where(OutboxRow.chat_id == chat_id)


class SqlOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def enqueue(self, message: OutgoingMessage, now: datetime) -> bool:
        # One INSERT ... ON CONFLICT DO NOTHING: a duplicate (even a racing one) is skipped
        # without a savepoint and without aborting the caller's transaction.
        return self.enqueue_many([message], now) == 1

    def enqueue_many(self, messages: Sequence[OutgoingMessage], now: datetime) -> int:
        if not messages:
            return 0
        rows = [
            {
                "dedupe_key": m.dedupe_key,
                "platform": m.platform,
                "chat_id": m.chat_id,
                "identity_id": m.identity_id,
                "payload": m.payload,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "not_before": m.not_before or now,
                "created_at": now,
                "last_error": "",
            }
            for m in messages
        ]
        insert = pg_insert if self.s.bind.dialect.name == "postgresql" else sqlite_insert
        stored = 0
        for start in range(0, len(rows), 500):
            result = self.s.execute(
                insert(OutboxRow)
                .values(rows[start : start + 500])
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(OutboxRow.id)
            )
            stored += len(result.all())  # rowcount is not reliable for multi-row inserts
        return stored

    def revise_pending(self, dedupe_key: str, payload: dict) -> bool:
        result = self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.dedupe_key == dedupe_key, OutboxRow.status == OutboxStatus.PENDING)
            .values(payload=payload)
        )
        return result.rowcount == 1

    def any_due(self, platform: str, now: datetime, chat_id: str | None = None) -> bool:
        """Whether `claim_due` would find something; a read that takes no write lock."""
        conn = self.s.connection(execution_options=READ_ONLY)
        return conn.execute(select(_due(platform, now, chat_id).exists())).scalar() is True

    def claim_due(
        self,
        platform: str,
        now: datetime,
        limit: int,
        worker: str,
        lease_seconds: int = 60,
        chat_id: str | None = None,
    ) -> list[OutboxItem]:
        """Lease due messages to `worker`; an expired lease (a crashed sender) is re-claimable."""
        due = _due(platform, now, chat_id).order_by(OutboxRow.not_before, OutboxRow.id).limit(limit)
        if self.s.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self.s.scalars(due))
        if not ids:
            return []
        self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=worker,
                claimed_until=now + timedelta(seconds=lease_seconds),
                attempts=OutboxRow.attempts + 1,
            )
        )
        rows = self.s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.id))
        return [_item(r) for r in rows]

    def mark_sent(self, item_id: int, now: datetime) -> None:
        self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, last_error="")
        )

    def mark_retry(self, item_id: int, not_before: datetime, error: str) -> None:
        self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(
                status=OutboxStatus.PENDING,
                not_before=not_before,
                claimed_until=None,
                last_error=error[:1000],
            )
        )

    def mark_final(self, item_id: int, status: OutboxStatus, error: str) -> None:
        self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(status=status, claimed_until=None, last_error=error[:1000])
        )

    def list(self, status: OutboxStatus | None = None, limit: int = 100) -> list[OutboxItem]:
        q = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if status is not None:
            q = q.where(OutboxRow.status == status)
        return [_item(r) for r in self.s.scalars(q)]
