"""Per-inbound storage: the arrival read, the dedupe keys with their stored replies, open
forms and the audit log. Every statement here is on the path of each message: prebuilt Core
statements, no identity map, no autoflush surprises (reads flush the session first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.shared.ports import Arrival, AuditEntry, DuplicateUpdate, FormState
from storage.core.inbox import MARK_HANDLED
from storage.identity.repository import (
    IDENTITY_COLUMNS,
    SENDER,
    actor_of,
    with_dealer_and_manager,
)
from storage.models import AuditRow, ChatIdentityRow, FormStateRow, InboundSeenRow
from storage.prepared import Prepared

_FORM_KEY = and_(
    FormStateRow.platform == bindparam("platform"),
    FormStateRow.chat_id == bindparam("chat_id"),
    FormStateRow.user_id == bindparam("user_id"),
)
_FORM_COLUMNS = (FormStateRow.form, FormStateRow.step, FormStateRow.data, FormStateRow.expires_at)
_FORM = select(*_FORM_COLUMNS).where(_FORM_KEY)
# One row always: the stored replies, the sender and the open form, each NULL when absent.
_one = select(literal_column("1").label("one")).subquery("one")
_ARRIVAL = Prepared(
    select(InboundSeenRow.replies, *IDENTITY_COLUMNS, *_FORM_COLUMNS).select_from(
        with_dealer_and_manager(
            _one.outerjoin(InboundSeenRow, InboundSeenRow.key == bindparam("key")).outerjoin(
                ChatIdentityRow, SENDER
            )
        ).outerjoin(FormStateRow, _FORM_KEY)
    )
)
_CLEAR_FORM = delete(FormStateRow).where(_FORM_KEY)
_REPLIES = select(InboundSeenRow.replies).where(InboundSeenRow.key == bindparam("key"))
_REMEMBER = Prepared(insert(InboundSeenRow), ["key", "at", "replies"])
_AUDIT = Prepared(insert(AuditRow), ["at", "platform", "user_id", "actor", "action", "detail"])


def _form_of(platform: str, chat_id: str, user_id: str, values: tuple) -> FormState | None:
    form, step, data, expires_at = values
    if form is None:
        return None
    return FormState(
        platform=platform,
        chat_id=chat_id,
        user_id=user_id,
        form=form,
        step=step,
        data=dict(data or {}),
        expires_at=expires_at,
    )


class SqlFormRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _row(self, platform: str, chat_id: str, user_id: str) -> FormStateRow | None:
        return self.s.scalar(
            select(FormStateRow).where(
                FormStateRow.platform == platform,
                FormStateRow.chat_id == chat_id,
                FormStateRow.user_id == user_id,
            )
        )

    def get(self, platform: str, chat_id: str, user_id: str) -> FormState | None:
        self.s.flush()  # Core below: let it see what this session changed
        key = {"platform": platform, "chat_id": chat_id, "user_id": user_id}
        found = self.s.connection().execute(_FORM, key).first()
        return _form_of(platform, chat_id, user_id, tuple(found)) if found else None

    def save(self, state: FormState) -> None:
        row = self._row(state.platform, state.chat_id, state.user_id)
        if row is None:
            row = FormStateRow(
                platform=state.platform, chat_id=state.chat_id, user_id=state.user_id
            )
            self.s.add(row)
        row.form = state.form
        row.step = state.step
        row.data = dict(state.data)
        row.expires_at = state.expires_at
        self.s.flush()

    def clear(self, platform: str, chat_id: str, user_id: str) -> None:
        self.s.flush()
        key = {"platform": platform, "chat_id": chat_id, "user_id": user_id}
        self.s.connection().execute(_CLEAR_FORM, key)

    def purge_expired(self, now: datetime) -> int:
        return self.s.execute(delete(FormStateRow).where(FormStateRow.expires_at < now)).rowcount


class SqlInboundRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def arrival(self, key: str | None, platform: str, chat_id: str, user_id: str) -> Arrival:
        self.s.flush()  # Core below: let it see what this session changed
        conn = self.s.connection()
        params = {"key": key, "platform": platform, "chat_id": chat_id, "user_id": user_id}
        row = _ARRIVAL.rows(conn, params)[0]  # one row always
        end = 1 + len(IDENTITY_COLUMNS)
        replies, identity, form = row[0], row[1:end], row[end:]
        return Arrival(
            list(replies) if key is not None and replies is not None else None,
            actor_of(conn, identity),
            _form_of(platform, chat_id, user_id, form),
        )

    def replies_for(self, key: str) -> list[dict[str, Any]] | None:
        found = self.s.connection().execute(_REPLIES, {"key": key}).first()
        return list(found[0] or []) if found is not None else None

    def remember(self, key: str, replies: list[dict[str, Any]], at: datetime) -> None:
        try:
            # A concurrent duplicate fails here, inside the same transaction.
            _REMEMBER.rows(self.s.connection(), {"key": key, "at": at, "replies": replies})
        except IntegrityError as exc:
            raise DuplicateUpdate(key) from exc
        # Its inbox row (if it came through one) is handled in the same transaction.
        MARK_HANDLED.rows(self.s.connection(), {"key": key, "at": at})

    def forget_before(self, cutoff: datetime) -> int:
        return self.s.execute(delete(InboundSeenRow).where(InboundSeenRow.at < cutoff)).rowcount


class SqlAuditRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def record(self, entry: AuditEntry) -> None:
        values = {
            "at": entry.at,
            "platform": entry.platform,
            "user_id": entry.user_id,
            "actor": entry.actor,
            "action": entry.action,
            "detail": entry.detail[:2000],
        }
        _AUDIT.rows(self.s.connection(), values)

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = self.s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [AuditEntry(r.at, r.platform, r.user_id, r.actor, r.action, r.detail) for r in rows]
