"""The inbox table: raw updates stored before they are acknowledged (domain/shared/inbox.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from domain.shared.inbox import InboxEntry
from storage.dialects import insert_for
from storage.models import InboxRow
from storage.prepared import Prepared

# Run inside the core's transaction by SqlInboundRepository.remember.
MARK_HANDLED = Prepared(
    update(InboxRow)
    .where(InboxRow.key == bindparam("key"), InboxRow.handled_at.is_(None))
    .values(handled_at=bindparam("at"))
)


class SqlInboxRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def receive(
        self, entries: Sequence[InboxEntry], owner: str, now: datetime, lease_until: datetime
    ) -> set[str]:
        if not entries:
            return set()
        rows = [
            {
                "key": e.key,
                "platform": e.platform,
                "lane": e.lane,
                "payload": e.payload,
                "received_at": now,
                "owner": owner,
                "lease_until": lease_until,
            }
            for e in entries
        ]
        insert = insert_for(self.s)
        # ON CONFLICT DO NOTHING: a redelivery (or a racing worker) stores nothing and is told so.
        result = self.s.execute(
            insert(InboxRow)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(InboxRow.key)
        )
        return set(result.scalars())

    def claim_abandoned(
        self, platform: str, owner: str, now: datetime, lease_until: datetime
    ) -> list[InboxEntry]:
        due = (
            select(InboxRow.id)
            .where(
                InboxRow.platform == platform,
                InboxRow.done_at.is_(None),
                InboxRow.lease_until < now,
            )
            .order_by(InboxRow.id)
        )
        if self.s.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self.s.scalars(due))
        if not ids:
            return []
        self.s.execute(
            update(InboxRow)
            .where(InboxRow.id.in_(ids))
            .values(owner=owner, lease_until=lease_until)
        )
        rows = self.s.execute(
            select(InboxRow.key, InboxRow.lane, InboxRow.payload)
            .where(InboxRow.id.in_(ids))
            .order_by(InboxRow.id)
        )
        return [InboxEntry(key, platform, lane, payload) for key, lane, payload in rows]

    def renew(self, owner: str, lease_until: datetime) -> None:
        self.s.execute(
            update(InboxRow)
            .where(InboxRow.owner == owner, InboxRow.done_at.is_(None))
            .values(lease_until=lease_until)
        )

    def mark_done(self, keys: Sequence[str], at: datetime) -> None:
        if keys:
            self.s.execute(update(InboxRow).where(InboxRow.key.in_(list(keys))).values(done_at=at))

    def forget_before(self, cutoff: datetime) -> int:
        return self.s.execute(delete(InboxRow).where(InboxRow.received_at < cutoff)).rowcount
