"""Invites (stored as hashes of their codes) and the failed tries that limit guessing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.actors import Invite, code_hash, normalize_code, same_code_hash
from storage.models import DealerRow, InviteAttemptRow, InviteRow, ManagerRow


class SqlInviteRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def create(self, invite: Invite, created_at: datetime) -> None:
        row = InviteRow(
            code_hash=code_hash(invite.code),
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
        # Found by its hash through the unique index; the comparison after it takes the same
        # time whatever the hash, so response times say nothing about stored codes.
        row = self.s.scalar(select(InviteRow).where(InviteRow.code_hash == code_hash(code)))
        if row is None or not same_code_hash(row.code_hash, code):
            return None
        dealer = self.s.get(DealerRow, row.dealer_id) if row.dealer_id else None
        manager = self.s.get(ManagerRow, row.manager_id) if row.manager_id else None
        return Invite(
            code=normalize_code(code),
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
