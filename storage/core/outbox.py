from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from domain.shared.outbox import FailedDelivery, OutboxItem, OutboxStatus, OutgoingMessage
from storage.db import READ_ONLY
from storage.dialects import insert_for
from storage.models import ChatIdentityRow, DealerRow, ManagerRow, OutboxChatRow, OutboxRow

_PG_MANY = text(
    "INSERT INTO outbox (dedupe_key, platform, chat_id, identity_id, payload, status,"
    " attempts, not_before, created_at, last_error)"
    " SELECT r.dedupe_key, r.platform, r.chat_id, r.identity_id, CAST(r.payload AS json),"
    " 'pending', 0, r.not_before, :now, '' FROM json_to_recordset(CAST(:rows AS json))"
    " AS r(dedupe_key varchar, platform varchar, chat_id varchar, identity_id integer,"
    " payload text, not_before timestamptz)"
    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
)


def _utc(moment: datetime) -> datetime:
    """As `UtcDateTime` binds it: a naive datetime is refused, not read as local time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused; pass a timezone-aware value")
    return moment.astimezone(UTC)


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
        first_failed_at=row.first_failed_at,
        failed_at=row.failed_at,
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending, or leased to a sender whose lease ran out."""
    return or_(
        OutboxRow.status == OutboxStatus.PENDING,
        (OutboxRow.status == OutboxStatus.SENDING) & (OutboxRow.claimed_until < now),
    )


def _held_by_other(worker: str, now: datetime) -> ColumnElement[bool]:
    """The message's chat has a message leased to another worker (sending to it now)."""
    held = aliased(OutboxRow)
    return (
        select(held.id)
        .where(
            held.platform == OutboxRow.platform,
            held.chat_id == OutboxRow.chat_id,
            held.status == OutboxStatus.SENDING,
            held.claimed_until >= now,
            held.claimed_by != worker,
        )
        .exists()
    )


def _due(platform: str, now: datetime, chat_id: str | None) -> Select:
    """Ids of messages due now."""
    due = select(OutboxRow.id).where(
        OutboxRow.platform == platform, OutboxRow.not_before <= now, _claimable(now)
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
        if self.s.bind.dialect.name == "postgresql":
            return self._enqueue_document(messages, now)
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
        q = (
            sqlite_insert(OutboxRow.__table__)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxRow.id)
        )
        # Core executemany: SQLAlchemy sends it as multi-row INSERTs of one cached compiled
        # statement ("insertmanyvalues"); RETURNING names the rows stored, a duplicate none.
        return len(self.s.connection().execute(q, rows).all())

    def _enqueue_document(self, messages: Sequence[OutgoingMessage], now: datetime) -> int:
        """PostgreSQL: the messages as one JSON document read by `json_to_recordset`, one
        statement of two parameters however many there are (a multi-row VALUES of 27,000
        messages is 270,000 placeholders, which the driver spent seconds splitting)."""
        dumps = self.s.bind.dialect._json_serializer or json.dumps
        rows = [
            {
                "dedupe_key": m.dedupe_key,
                "platform": m.platform,
                "chat_id": m.chat_id,
                "identity_id": m.identity_id,
                # Each payload as its own JSON text inside the document: read back as text
                # it keeps what the json column takes and json_to_recordset would not
                # (an escaped NUL, a lone surrogate), as a single insert stores it.
                "payload": dumps(m.payload),
                "not_before": _utc(m.not_before or now).isoformat(),
            }
            for m in messages
        ]
        found = self.s.execute(_PG_MANY, {"rows": dumps(rows), "now": _utc(now)})
        return len(found.all())

    def revise_pending(self, dedupe_key: str, payload: dict) -> bool:
        result = self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.dedupe_key == dedupe_key, OutboxRow.status == OutboxStatus.PENDING)
            .values(payload=payload)
        )
        return result.rowcount == 1

    def any_due(
        self, platform: str, now: datetime, chat_id: str | None = None, worker: str | None = None
    ) -> bool:
        """Whether `claim_due` would find something; a read that takes no write lock.

        With `worker`, what is due in chats another worker is sending to does not count.
        """
        due = _due(platform, now, chat_id)
        if worker is not None:
            due = due.where(~_held_by_other(worker, now))
        conn = self.s.connection(execution_options=READ_ONLY)
        return conn.execute(select(due.exists())).scalar() is True

    def claim_due(
        self,
        platform: str,
        now: datetime,
        limit: int,
        worker: str,
        lease_seconds: float = 60,
        chat_id: str | None = None,
        per_chat: int | None = None,
    ) -> list[OutboxItem]:
        """Lease due messages to `worker`: at most `per_chat` of one chat, none of a chat
        another worker is sending to; an expired lease (a crashed sender) is re-claimable."""
        due = (
            _due(platform, now, chat_id)
            .add_columns(
                OutboxRow.not_before,
                func.row_number()
                .over(partition_by=OutboxRow.chat_id, order_by=(OutboxRow.not_before, OutboxRow.id))
                .label("n"),
            )
            .where(~_held_by_other(worker, now))
            .subquery()
        )
        picked = select(due.c.id).order_by(due.c.not_before, due.c.id).limit(limit)
        if per_chat is not None:
            picked = picked.where(due.c.n <= per_chat)
        ids = list(self.s.scalars(picked))
        if not ids:
            return []
        if self.s.bind.dialect.name == "postgresql":
            # Rows another worker is claiming right now are skipped, not waited for.
            locked = select(OutboxRow.id).where(OutboxRow.id.in_(ids))
            ids = list(self.s.scalars(locked.with_for_update(skip_locked=True)))
            if not ids:
                return []
        # Still due when written (another worker may have claimed one since the read above).
        claimed = self.s.scalars(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), _claimable(now))
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=worker,
                claimed_until=now + timedelta(seconds=lease_seconds),
                attempts=OutboxRow.attempts + 1,
            )
            .returning(OutboxRow.id)
        ).all()
        rows = self.s.scalars(
            select(OutboxRow)
            .where(OutboxRow.id.in_(claimed))
            .order_by(OutboxRow.not_before, OutboxRow.id)
        )
        return [_item(r) for r in rows]

    def hold(self, item_id: int, worker: str, until: datetime) -> bool:
        """Extend `worker`'s lease on one message; False when it is no longer `worker`'s
        (taken over, or finished): compare-and-set on the lease holder, right before a send."""
        result = self.s.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == item_id,
                OutboxRow.claimed_by == worker,
                OutboxRow.status == OutboxStatus.SENDING,
            )
            .values(claimed_until=until)
        )
        return result.rowcount == 1

    def renew(self, worker: str, until: datetime) -> int:
        """Extend every lease `worker` holds; returns how many."""
        result = self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.claimed_by == worker, OutboxRow.status == OutboxStatus.SENDING)
            .values(claimed_until=until)
        )
        return result.rowcount

    def take_turn(
        self, platform: str, chat_id: str, now: datetime, until: datetime
    ) -> datetime | None:
        """Take the chat's send turn, for every worker sharing this database, until `until`
        (or `end_turn`). None when taken; else when the current turn ends.

        One conditional upsert: of two workers racing for a turn, exactly one gets it.
        """
        insert = insert_for(self.s)
        stmt = insert(OutboxChatRow).values(platform=platform, chat_id=chat_id, next_at=until)
        taken = self.s.execute(
            stmt.on_conflict_do_update(
                index_elements=["platform", "chat_id"],
                set_={"next_at": stmt.excluded.next_at},
                where=OutboxChatRow.next_at <= now,
            ).returning(OutboxChatRow.next_at)
        ).first()
        if taken is not None:
            return None
        return self.s.scalar(
            select(OutboxChatRow.next_at).where(
                OutboxChatRow.platform == platform, OutboxChatRow.chat_id == chat_id
            )
        )

    def end_turn(self, platform: str, chat_id: str, next_at: datetime) -> None:
        """The turn taken with `take_turn` is over; the chat's next one starts at `next_at`."""
        self.s.execute(
            update(OutboxChatRow)
            .where(OutboxChatRow.platform == platform, OutboxChatRow.chat_id == chat_id)
            .values(next_at=next_at)
        )

    def mark_sent(self, item_id: int, now: datetime) -> None:
        self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, last_error="")
        )

    def mark_retry(
        self, item_id: int, not_before: datetime, error: str, now: datetime | None = None
    ) -> None:
        values = {
            "status": OutboxStatus.PENDING,
            "not_before": not_before,
            "claimed_until": None,
            "last_error": error[:1000],
        }
        if now is not None:
            values["first_failed_at"] = func.coalesce(OutboxRow.first_failed_at, now)
        self.s.execute(update(OutboxRow).where(OutboxRow.id == item_id).values(**values))

    def mark_final(
        self, item_id: int, status: OutboxStatus, error: str, now: datetime | None = None
    ) -> None:
        self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(status=status, claimed_until=None, last_error=error[:1000], failed_at=now)
        )

    def requeue(
        self, statuses: Sequence[OutboxStatus], since: datetime | None, now: datetime
    ) -> list[tuple[str, str]]:
        """Send messages in `statuses` (that ended at or after `since`) again from now;
        returns (platform, chat id) of each."""
        q = update(OutboxRow).where(OutboxRow.status.in_(list(statuses)))
        if since is not None:
            q = q.where(func.coalesce(OutboxRow.failed_at, OutboxRow.created_at) >= since)
        result = self.s.execute(
            q.values(
                status=OutboxStatus.PENDING,
                not_before=now,
                attempts=0,
                claimed_by=None,
                claimed_until=None,
                first_failed_at=None,
                failed_at=None,
                failure_told_at=None,
            ).returning(OutboxRow.platform, OutboxRow.chat_id)
        )
        return [(platform, chat_id) for platform, chat_id in result]

    def failures_to_tell(self, exclude_prefix: str, limit: int = 5000) -> list[FailedDelivery]:
        """Messages failed for good and not yet in a digest, with their recipient's role."""
        rows = self.s.execute(
            select(OutboxRow, DealerRow.code, ManagerRow.code)
            .outerjoin(
                ChatIdentityRow,
                or_(
                    ChatIdentityRow.id == OutboxRow.identity_id,
                    # Queued without the identity (a deferred reply): the chat tells.
                    OutboxRow.identity_id.is_(None)
                    & (ChatIdentityRow.platform == OutboxRow.platform)
                    & (ChatIdentityRow.chat_id == OutboxRow.chat_id),
                ),
            )
            .outerjoin(DealerRow, DealerRow.id == ChatIdentityRow.dealer_id)
            .outerjoin(ManagerRow, ManagerRow.id == ChatIdentityRow.manager_id)
            .where(
                OutboxRow.status == OutboxStatus.FAILED,
                OutboxRow.failure_told_at.is_(None),
                ~OutboxRow.dedupe_key.startswith(exclude_prefix, autoescape=True),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        found: dict[int, FailedDelivery] = {}
        for row, dealer, manager in rows:
            found.setdefault(
                row.id,
                FailedDelivery(
                    id=row.id,
                    dedupe_key=row.dedupe_key,
                    platform=row.platform,
                    chat_id=row.chat_id,
                    text=str((row.payload or {}).get("text", "")),
                    created_at=row.created_at,
                    failed_at=row.failed_at or row.created_at,
                    last_error=row.last_error,
                    dealer_code=dealer,
                    manager_code=manager,
                ),
            )
        return list(found.values())

    def mark_told(self, item_ids: Sequence[int], now: datetime) -> None:
        for start in range(0, len(item_ids), 500):
            self.s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(list(item_ids[start : start + 500])))
                .values(failure_told_at=now)
            )

    def list(self, status: OutboxStatus | None = None, limit: int = 100) -> list[OutboxItem]:
        q = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if status is not None:
            q = q.where(OutboxRow.status == status)
        return [_item(r) for r in self.s.scalars(q)]
