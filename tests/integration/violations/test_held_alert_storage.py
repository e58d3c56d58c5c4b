"""The held alerts table on SQLite and PostgreSQL: holding twice keeps one row per manager,
a violation stays undelivered until delivered, and delivering frees it for everyone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.catalog.model import DealerCode, ManagerCode
from domain.sales.model import Breach, Severity, ViolationType
from storage.violations.models import HeldAlertRow
from tests.support import seed_catalog

M01, M02 = ManagerCode("M01"), ManagerCode("M02")


def violation(uow, clock) -> int:
    breach = Breach(ViolationType.OUTSIDE_TERRITORY, Severity.SEVERE, {})
    return uow.violations.add(DealerCode("D001"), None, breach, clock.now()).id


def test_holding_again_keeps_one_row_per_manager(uow_factory, clock):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        v = violation(uow, clock)
        uow.held_alerts.hold(v, [M01, M02], clock.now())
        uow.held_alerts.hold(v, [M01], clock.now())
        uow.commit()
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count(HeldAlertRow.id))) == 2
        assert uow.held_alerts.undelivered() == [v]
        assert uow.held_alerts.waiting_for(M01) == [v] == uow.held_alerts.waiting_for(M02)


def test_delivering_a_violation_frees_it_for_every_manager(uow_factory, clock):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        first, second = violation(uow, clock), violation(uow, clock)
        uow.held_alerts.hold(first, [M01, M02], clock.now())
        uow.held_alerts.hold(second, [M02], clock.now())
        uow.commit()
    with uow_factory() as uow:
        uow.held_alerts.deliver([first], clock.now() + timedelta(minutes=5))
        uow.commit()
    with uow_factory() as uow:
        assert uow.held_alerts.undelivered() == [second]
        assert uow.held_alerts.waiting_for(M01) == []
        assert uow.held_alerts.waiting_for(M02) == [second]
        uow.held_alerts.deliver([], clock.now())  # nothing to deliver: no statement, no error
