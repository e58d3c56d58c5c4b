"""The staff directory: every manager of the catalog and whether a chat account is linked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog.model import Manager, ManagerCode, ManagerRole, ProductLine, RegionCode
from domain.identity.staff import StaffMember
from storage.models import ChatIdentityRow, ManagerRow


class SqlStaffDirectory:
    def __init__(self, session: Session) -> None:
        self.s = session

    def members(self) -> list[StaffMember]:
        linked = set(
            self.s.scalars(
                select(ChatIdentityRow.manager_id).where(ChatIdentityRow.manager_id.is_not(None))
            )
        )
        rows = self.s.scalars(select(ManagerRow).order_by(ManagerRow.code))
        return [
            StaffMember(
                Manager(
                    ManagerCode(row.code),
                    row.name,
                    ManagerRole(row.role),
                    tuple(sorted(RegionCode(mr.region.code) for mr in row.regions)),
                    tuple(ProductLine(line) for line in row.lines.split("|") if line),
                ),
                linked=row.id in linked,
            )
            for row in rows
        ]
