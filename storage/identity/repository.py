"""Chat identities: who a chat user is (dealer contact or manager), linking and unlinking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, ManagerCode, ManagerRole, ProductLine, RegionCode
from domain.identity.actors import (
    Actor,
    Contact,
    Invite,
    InviteAlreadyUsed,
    code_hash,
)
from domain.identity.scope import Scope
from domain.shared.outbox import OutboxStatus
from storage.catalog.repository import SqlCatalogRepository
from storage.models import (
    ChatIdentityRow,
    DealerRow,
    FormStateRow,
    InviteRow,
    ManagerRegionRow,
    ManagerRow,
    OutboxRow,
    RegionRow,
)

# Statements on the path of every inbound, built once (Core: no identity map, no autoflush).
IDENTITY_COLUMNS = (
    ChatIdentityRow.id,
    ChatIdentityRow.platform,
    ChatIdentityRow.user_id,
    ChatIdentityRow.chat_id,
    ChatIdentityRow.locale,
    DealerRow.code,
    ManagerRow.id,
    ManagerRow.code,
    ManagerRow.role,
    ManagerRow.lines,
)
SENDER = and_(
    ChatIdentityRow.platform == bindparam("platform"),
    ChatIdentityRow.user_id == bindparam("user_id"),
)


def with_dealer_and_manager(joined):
    return joined.outerjoin(DealerRow, ChatIdentityRow.dealer_id == DealerRow.id).outerjoin(
        ManagerRow, ChatIdentityRow.manager_id == ManagerRow.id
    )


_FIND_IDENTITY = (
    select(*IDENTITY_COLUMNS)
    .select_from(with_dealer_and_manager(ChatIdentityRow.__table__))
    .where(SENDER)
)
_MANAGER_REGIONS = (
    select(RegionRow.code)
    .join(ManagerRegionRow, ManagerRegionRow.region_id == RegionRow.id)
    .where(ManagerRegionRow.manager_id == bindparam("manager"))
    .order_by(RegionRow.code)
)


def actor_of(conn: Connection | None, values: tuple) -> Actor | None:
    """An Actor from the `IDENTITY_COLUMNS` columns (None when the sender is not linked)."""
    identity_id, platform, user_id, chat_id, locale, dealer, manager_id, manager, role, lines = (
        values
    )
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
        manager_lines=split_lines(lines),
    )


def linked_managers(conn: Connection) -> list[Actor]:
    """Every deliverable manager identity as an Actor, oldest link first: two statements
    (the identities, then every manager's regions), not two per manager."""
    rows = conn.execute(
        select(*IDENTITY_COLUMNS)
        .select_from(with_dealer_and_manager(ChatIdentityRow.__table__))
        .where(ChatIdentityRow.manager_id.is_not(None), ChatIdentityRow.undeliverable.is_(False))
        .order_by(ChatIdentityRow.id)
    ).all()
    regions: dict[int, list[RegionCode]] = {}
    for manager, code in conn.execute(
        select(ManagerRegionRow.manager_id, RegionRow.code)
        .join(RegionRow, ManagerRegionRow.region_id == RegionRow.id)
        .order_by(RegionRow.code)
    ):
        regions.setdefault(manager, []).append(RegionCode(code))
    return [
        replace(actor, manager_regions=tuple(regions.get(row[6], ())))
        for row in rows
        if (actor := actor_of(None, (*row[:6], None, *row[7:]))) is not None
    ]


def split_lines(joined: str | None) -> tuple[ProductLine, ...]:
    return tuple(ProductLine(line) for line in (joined or "").split("|") if line)


class SqlIdentityRepository:
    def __init__(self, session: Session, catalog: SqlCatalogRepository) -> None:
        self.s = session
        self.catalog = catalog

    def _actor(self, row: ChatIdentityRow) -> Actor:
        dealer_code = manager_code = role = None
        regions: tuple[RegionCode, ...] = ()
        lines: tuple[ProductLine, ...] = ()
        if row.dealer_id is not None:
            dealer_code = DealerCode(self.s.get(DealerRow, row.dealer_id).code)
        if row.manager_id is not None:
            m = self.s.get(ManagerRow, row.manager_id)
            manager_code = ManagerCode(m.code)
            role = ManagerRole(m.role)
            regions = tuple(RegionCode(mr.region.code) for mr in m.regions)
            lines = split_lines(m.lines)
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
            manager_lines=lines,
        )

    def find(self, platform: str, user_id: str) -> Actor | None:
        """The actor behind a chat user: one Core query (two for a manager)."""
        self.s.flush()  # Core below: let it see what this session changed
        conn = self.s.connection()
        found = conn.execute(_FIND_IDENTITY, {"platform": platform, "user_id": user_id}).first()
        return actor_of(conn, tuple(found)) if found is not None else None

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
            .where(InviteRow.code_hash == code_hash(invite.code), InviteRow.used_at.is_(None))
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
            if Scope.of(actor).covers_any_region(regions, tree):
                found.append(actor)
        return found

    def _contact(self, row: ChatIdentityRow) -> Contact | None:
        if row.dealer_id is None and row.manager_id is None:
            return None
        dealer = self.s.get(DealerRow, row.dealer_id) if row.dealer_id else None
        manager = self.s.get(ManagerRow, row.manager_id) if row.manager_id else None
        return Contact(
            identity_id=row.id,
            platform=row.platform,
            user_id=row.user_id,
            display_name=row.display_name,
            linked_at=row.linked_at,
            dealer_code=DealerCode(dealer.code) if dealer else None,
            manager_code=ManagerCode(manager.code) if manager else None,
        )

    def contact(self, identity_id: int) -> Contact | None:
        row = self.s.get(ChatIdentityRow, identity_id)
        return self._contact(row) if row is not None else None

    def contact_of(self, platform: str, user_id: str) -> Contact | None:
        row = self._row(platform, user_id)
        return self._contact(row) if row is not None else None

    def linked_contacts(self, dealer: DealerCode) -> list[Contact]:
        rows = self.s.scalars(
            select(ChatIdentityRow)
            .join(DealerRow, ChatIdentityRow.dealer_id == DealerRow.id)
            .where(DealerRow.code == dealer)
            .order_by(ChatIdentityRow.id)
        )
        return [c for r in rows if (c := self._contact(r)) is not None]

    def unlink(self, identity_id: int) -> int:
        row = self.s.get(ChatIdentityRow, identity_id)
        if row is None:
            return 0
        row.dealer_id = row.manager_id = None
        row.linked_at = None
        self.s.execute(
            delete(FormStateRow).where(
                FormStateRow.platform == row.platform, FormStateRow.user_id == row.user_id
            )
        )
        # Messages being sent this moment (leased) go out; nothing queued after them does.
        return self.s.execute(
            update(OutboxRow)
            .where(
                OutboxRow.identity_id == identity_id,
                OutboxRow.status == OutboxStatus.PENDING.value,
            )
            .values(status=OutboxStatus.UNDELIVERABLE.value, last_error="unlinked")
            .execution_options(synchronize_session=False)
        ).rowcount
