from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog import DealerCode, ManagerCode, ManagerRole, RegionCode
from domain.identity import Actor, Invite, InviteAlreadyUsed
from domain.ports import Arrival, AuditEntry, DuplicateUpdate, FormState
from storage.models import (
    AuditRow,
    ChatIdentityRow,
    DealerRow,
    FormStateRow,
    InboundSeenRow,
    InviteAttemptRow,
    InviteRow,
    ManagerRegionRow,
    ManagerRow,
    RegionRow,
)
from storage.repositories.catalog import SqlCatalogRepository

# Statements on the path of every inbound, built once (Core: no identity map, no autoflush).
_IDENTITY = (
    ChatIdentityRow.id,
    ChatIdentityRow.platform,
    ChatIdentityRow.user_id,
    ChatIdentityRow.chat_id,
    ChatIdentityRow.locale,
    DealerRow.code,
    ManagerRow.id,
    ManagerRow.code,
    ManagerRow.role,
)
_SENDER = and_(
    ChatIdentityRow.platform == bindparam("platform"),
    ChatIdentityRow.user_id == bindparam("user_id"),
)
_FORM_KEY = and_(
    FormStateRow.platform == bindparam("platform"),
    FormStateRow.chat_id == bindparam("chat_id"),
    FormStateRow.user_id == bindparam("user_id"),
)


def _with_dealer_and_manager(joined):
    return joined.outerjoin(DealerRow, ChatIdentityRow.dealer_id == DealerRow.id).outerjoin(
        ManagerRow, ChatIdentityRow.manager_id == ManagerRow.id
    )


_FIND_IDENTITY = (
    select(*_IDENTITY)
    .select_from(_with_dealer_and_manager(ChatIdentityRow.__table__))
    .where(_SENDER)
)
_FORM_COLUMNS = (FormStateRow.form, FormStateRow.step, FormStateRow.data, FormStateRow.expires_at)
_FORM = select(*_FORM_COLUMNS).where(_FORM_KEY)
# One row always: the stored replies, the sender and the open form, each NULL when absent.
_one = select(literal_column("1").label("one")).subquery("one")
_ARRIVAL = select(InboundSeenRow.replies, *_IDENTITY, *_FORM_COLUMNS).select_from(
    _with_dealer_and_manager(
        _one.outerjoin(InboundSeenRow, InboundSeenRow.key == bindparam("key")).outerjoin(
            ChatIdentityRow, _SENDER
        )
    ).outerjoin(FormStateRow, _FORM_KEY)
)
_MANAGER_REGIONS = (
    select(RegionRow.code)
    .join(ManagerRegionRow, ManagerRegionRow.region_id == RegionRow.id)
    .where(ManagerRegionRow.manager_id == bindparam("manager"))
    .order_by(RegionRow.code)
)
_CLEAR_FORM = delete(FormStateRow).where(
    FormStateRow.platform == bindparam("platform"),
    FormStateRow.chat_id == bindparam("chat_id"),
    FormStateRow.user_id == bindparam("user_id"),
)
_REPLIES = select(InboundSeenRow.replies).where(InboundSeenRow.key == bindparam("key"))
_REMEMBER = insert(InboundSeenRow)
_AUDIT = insert(AuditRow)


def _actor_of(conn: Connection, values: tuple) -> Actor | None:
    """An Actor from the `_IDENTITY` columns (None when the sender is not linked)."""
    identity_id, platform, user_id, chat_id, locale, dealer, manager_id, manager, role = values
    if identity_id is None:
        return None
    regions: tuple[RegionCode, ...] = ()
    if manager_id is not None:
        codes = conn.execute(_MANAGER_REGIONS, {"manager": manager_id}).scalars()
        regions = tuple(RegionCode(code) for code in codes)
    return Actor(
        platform=platform,
        user_id=user_id,
        chat_id=chat_id,
        identity_id=identity_id,
        locale=locale,
        dealer_code=DealerCode(dealer) if dealer else None,
        manager_code=ManagerCode(manager) if manager else None,
        manager_role=ManagerRole(role) if role else None,
        manager_regions=regions,
    )


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


class SqlIdentityRepository:
    def __init__(self, session: Session, catalog: SqlCatalogRepository) -> None:
        self.s = session
        self.catalog = catalog

    def _actor(self, row: ChatIdentityRow) -> Actor:
        dealer_code = manager_code = role = None
        regions: tuple[RegionCode, ...] = ()
        if row.dealer_id is not None:
            dealer_code = DealerCode(self.s.get(DealerRow, row.dealer_id).code)
        if row.manager_id is not None:
            m = self.s.get(ManagerRow, row.manager_id)
            manager_code = ManagerCode(m.code)
            role = ManagerRole(m.role)
            regions = tuple(RegionCode(mr.region.code) for mr in m.regions)
        return Actor(
            platform=row.platform,
            user_id=row.user_id,
            chat_id=row.chat_id,
            identity_id=row.id,
            locale=row.locale,
            dealer_code=dealer_code,
            manager_code=manager_code,
            manager_role=role,
            manager_regions=regions,
        )

    def find(self, platform: str, user_id: str) -> Actor | None:
        """The actor behind a chat user: one Core query (two for a manager)."""
        self.s.flush()  # Core below: let it see what this session changed
        conn = self.s.connection()
        found = conn.execute(_FIND_IDENTITY, {"platform": platform, "user_id": user_id}).first()
        return _actor_of(conn, tuple(found)) if found is not None else None

    def _row(self, platform: str, user_id: str) -> ChatIdentityRow | None:
        return self.s.scalar(
            select(ChatIdentityRow).where(
                ChatIdentityRow.platform == platform, ChatIdentityRow.user_id == user_id
            )
        )

    def link(
        self,
        platform: str,
        user_id: str,
        chat_id: str,
        display_name: str,
        invite: Invite,
        now: datetime,
    ) -> Actor:
        row = self._row(platform, user_id)
        if row is None:
            row = ChatIdentityRow(platform=platform, user_id=user_id, chat_id=chat_id)
            self.s.add(row)
        row.chat_id = chat_id
        row.display_name = display_name[:200]
        row.dealer_id = row.manager_id = None
        if invite.dealer_code:
            row.dealer_id = self.s.scalar(
                select(DealerRow.id).where(DealerRow.code == invite.dealer_code)
            )
        if invite.manager_code:
            row.manager_id = self.s.scalar(
                select(ManagerRow.id).where(ManagerRow.code == invite.manager_code)
            )
        row.linked_at = now
        row.undeliverable = False
        self.s.flush()
        # Single use even under a race: only the first UPDATE finds used_at empty.
        claimed = self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == invite.code, InviteRow.used_at.is_(None))
            .values(used_at=now, used_by=row.id)
        ).rowcount
        if claimed != 1:
            raise InviteAlreadyUsed(invite.code)
        return self._actor(row)

    def set_locale(self, platform: str, user_id: str, locale: str) -> None:
        row = self._row(platform, user_id)
        if row is not None:
            row.locale = locale

    def set_undeliverable(self, platform: str, chat_id: str, value: bool = True) -> None:
        self.s.execute(
            update(ChatIdentityRow)
            .where(ChatIdentityRow.platform == platform, ChatIdentityRow.chat_id == chat_id)
            .values(undeliverable=value)
        )

    def dealer_contacts(self, dealer: DealerCode) -> list[Actor]:
        rows = self.s.scalars(
            select(ChatIdentityRow)
            .join(DealerRow, ChatIdentityRow.dealer_id == DealerRow.id)
            .where(DealerRow.code == dealer)
            .order_by(ChatIdentityRow.id)
        )
        return [self._actor(r) for r in rows]

    def contacts_of_dealers(self, dealers: Sequence[DealerCode]) -> dict[DealerCode, list[Actor]]:
        found: dict[DealerCode, list[Actor]] = {d: [] for d in dealers}
        for chunk in range(0, len(dealers), 500):
            rows = self.s.execute(
                select(ChatIdentityRow, DealerRow.code)
                .join(DealerRow, ChatIdentityRow.dealer_id == DealerRow.id)
                .where(DealerRow.code.in_(list(dealers[chunk : chunk + 500])))
                .order_by(ChatIdentityRow.id)
            )
            for row, code in rows:
                found[DealerCode(code)].append(
                    Actor(
                        platform=row.platform,
                        user_id=row.user_id,
                        chat_id=row.chat_id,
                        identity_id=row.id,
                        locale=row.locale,
                        dealer_code=DealerCode(code),
                    )
                )
        return found

    def managers_of_dealer(self, dealer: DealerCode) -> list[Actor]:
        return self._managers_over(self.catalog.dealer_regions(dealer))

    def managers_of_region(self, region: RegionCode) -> list[Actor]:
        return self._managers_over([region])

    def _managers_over(self, regions: Sequence[RegionCode]) -> list[Actor]:
        """Linked managers with a region containing one of `regions`, plus admins."""
        tree = self.catalog.region_tree()
        rows = self.s.scalars(
            select(ChatIdentityRow)
            .where(ChatIdentityRow.manager_id.is_not(None))
            .order_by(ChatIdentityRow.id)
        )
        found = []
        for row in rows:
            actor = self._actor(row)
            if actor.is_admin or any(
                tree.is_within(r, mr) for r in regions for mr in actor.manager_regions
            ):
                found.append(actor)
        return found


class SqlInviteRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def create(self, invite: Invite, created_at: datetime) -> None:
        row = InviteRow(
            code=invite.code,
            created_at=created_at,
            expires_at=invite.expires_at,
            dealer_id=self.s.scalar(
                select(DealerRow.id).where(DealerRow.code == invite.dealer_code)
            )
            if invite.dealer_code
            else None,
            manager_id=self.s.scalar(
                select(ManagerRow.id).where(ManagerRow.code == invite.manager_code)
            )
            if invite.manager_code
            else None,
        )
        self.s.add(row)
        self.s.flush()

    def get(self, code: str) -> Invite | None:
        row = self.s.scalar(select(InviteRow).where(InviteRow.code == code))
        if row is None:
            return None
        dealer = self.s.get(DealerRow, row.dealer_id) if row.dealer_id else None
        manager = self.s.get(ManagerRow, row.manager_id) if row.manager_id else None
        return Invite(
            code=row.code,
            expires_at=row.expires_at,
            used_at=row.used_at,
            dealer_code=DealerCode(dealer.code) if dealer else None,
            manager_code=ManagerCode(manager.code) if manager else None,
        )

    def failed_tries_since(self, platform: str, user_id: str, since: datetime) -> int:
        return self.s.scalar(
            select(func.count()).where(
                InviteAttemptRow.platform == platform,
                InviteAttemptRow.user_id == user_id,
                InviteAttemptRow.at >= since,
            )
        )

    def record_failed_try(self, platform: str, user_id: str, at: datetime) -> None:
        self.s.add(InviteAttemptRow(platform=platform, user_id=user_id, at=at))

    def forget_tries_before(self, cutoff: datetime) -> int:
        return self.s.execute(delete(InviteAttemptRow).where(InviteAttemptRow.at < cutoff)).rowcount


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
        row = tuple(conn.execute(_ARRIVAL, params).one())
        replies, identity, form = row[0], row[1:10], row[10:]
        return Arrival(
            list(replies) if key is not None and replies is not None else None,
            _actor_of(conn, identity),
            _form_of(platform, chat_id, user_id, form),
        )

    def replies_for(self, key: str) -> list[dict[str, Any]] | None:
        found = self.s.connection().execute(_REPLIES, {"key": key}).first()
        return list(found[0] or []) if found is not None else None

    def remember(self, key: str, replies: list[dict[str, Any]], at: datetime) -> None:
        try:
            # A concurrent duplicate fails here, inside the same transaction.
            self.s.connection().execute(_REMEMBER, {"key": key, "at": at, "replies": replies})
        except IntegrityError as exc:
            raise DuplicateUpdate(key) from exc

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
        self.s.connection().execute(_AUDIT, values)

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = self.s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [AuditEntry(r.at, r.platform, r.user_id, r.actor, r.action, r.detail) for r in rows]
