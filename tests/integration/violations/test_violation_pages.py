"""/violations a page at a time from the database (a count, then one page's rows by offset),
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.catalog.model import DealerCode
from domain.sales.model import Breach, Severity, ViolationStatus, ViolationType
from tests.integration.approvals.test_approvals import world_with

BREACH = Breach(
    ViolationType.OUTSIDE_TERRITORY, Severity.MAJOR, {"region": "SH", "terminal": "T-0012"}
)


@pytest.fixture
def world(uow_factory, clock):
    people = world_with(uow_factory, clock)
    with uow_factory() as uow:
        for n in range(65):  # the newest is listed first
            uow.violations.add(DealerCode("D001"), None, BREACH, clock.now() + timedelta(minutes=n))
        uow.commit()
    return people


def test_violations_are_paged_newest_first_with_a_count(world, uow_factory):
    boss = world["boss_sc"]
    first = boss.say("/violations")
    assert "第 1/4 页，共 65 条" in first
    ids = [int(line.split("#")[1].split()[0]) for line in first.splitlines() if "#" in line]
    assert len(ids) == 20 and ids == sorted(ids, reverse=True)
    assert ("第 2 页 ▶", "c:violations page:2") in boss.buttons()
    last = boss.press("第 2 页") and boss.press("第 3 页") and boss.press("第 4 页")
    tail = [int(line.split("#")[1].split()[0]) for line in last.splitlines() if "#" in line]
    assert len(tail) == 5 and max(tail) < min(ids)
    with uow_factory() as uow:  # ten of them decided: the open list is shorter
        for v in uow.violations.list([DealerCode("D001")], limit=10):
            uow.violations.decide(v.id, ViolationStatus.DISMISSED, None, "test", "boss", None)
        uow.commit()
    opened = boss.say("/violations open page:4")  # a page the open list no longer has
    assert "第 3/3 页，共 55 条" in opened and "没有第 4 页" in opened
    assert ("◀ 第 2 页", "c:violations open page:2") in boss.buttons()
