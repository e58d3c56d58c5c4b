"""Held severe alerts on SQLAlchemy (see domain.violations.held)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.catalog.model import ManagerCode
from domain.sales.model import ViolationId
from storage.models import ManagerRow
from storage.violations.models import HeldAlertRow


class SqlHeldAlertRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def hold(self, violation: ViolationId, managers: Sequence[ManagerCode], now: datetime) -> None:
        ids = self.s.scalars(select(ManagerRow.id).where(ManagerRow.code.in_(list(managers))))
        held = set(
            self.s.scalars(
                select(HeldAlertRow.manager_id).where(HeldAlertRow.violation_id == violation)
            )
        )
        for manager_id in ids:
            if manager_id not in held:
                self.s.add(
                    HeldAlertRow(violation_id=violation, manager_id=manager_id, created_at=now)
                )
        self.s.flush()

    def waiting_for(self, manager: ManagerCode) -> list[ViolationId]:
        rows = self.s.scalars(
            select(HeldAlertRow.violation_id)
            .join(ManagerRow, HeldAlertRow.manager_id == ManagerRow.id)
            .where(ManagerRow.code == manager, HeldAlertRow.delivered_at.is_(None))
            .order_by(HeldAlertRow.violation_id)
        )
        return [ViolationId(v) for v in rows]

    def undelivered(self) -> list[ViolationId]:
        rows = self.s.scalars(
            select(HeldAlertRow.violation_id)
            .where(HeldAlertRow.delivered_at.is_(None))
            .distinct()
            .order_by(HeldAlertRow.violation_id)
        )
        return [ViolationId(v) for v in rows]

    def deliver(self, violations: Sequence[ViolationId], now: datetime) -> None:
        if not violations:
            return
        self.s.execute(
            update(HeldAlertRow)
            .where(
                HeldAlertRow.violation_id.in_(list(violations)),
                HeldAlertRow.delivered_at.is_(None),
            )
            .values(delivered_at=now)
        )
