"""Reporting deadlines through chat and report_reminder, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from handlers.core.jobs import run_job
from handlers.core.options import CoreOptions
from tests.integration.approvals.test_approvals import outbox_texts, world_with
from tests.support import JOBS

# Shanghai is UTC+8: 01:00 UTC is the 09:00 run of the business day.
FRI_17_JULY = datetime(2026, 7, 17, 1, 0, tzinfo=UTC)
SAT_18_JULY = datetime(2026, 7, 18, 1, 0, tzinfo=UTC)
TUE_21_JULY = datetime(2026, 7, 21, 1, 0, tzinfo=UTC)
SUNDAY_19_JULY_LATE = datetime(2026, 7, 19, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai


def remind(uow_factory, clock, occasion, options=None):
    clock.set(occasion)
    return run_job(JOBS, uow_factory, clock, options or CoreOptions(), "report_reminder", occasion)


def told(uow_factory, chat: str, word: str) -> list[str]:
    return [t for t in outbox_texts(uow_factory, chat) if word in t]


@pytest.fixture
def world(uow_factory, clock):
    return world_with(uow_factory, clock)


def test_a_dealer_sees_each_duty_due_and_done_with_the_week_reported_on_time(world, clock):
    clock.set(datetime(2026, 7, 12, 4, 0, tzinfo=UTC))  # Sunday of W28
    assert "已记录" in world["dealer1"].say("/report A100 2 3500 T-0001")
    clock.set(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
    text = world["dealer1"].say("/duties")
    assert "销售上报（每周，截止周一）" in text
    assert "2026-W28，截止 2026年7月13日：按时提交" in text
    assert "2026-W29，截止 2026年7月20日：待提交" in text
    assert "2026-W27，截止 2026年7月6日：逾期未交" in text
    assert (
        "库存上报（每月，次月 5 日截止）" in text and "2026-06，截止 2026年7月5日：逾期未交" in text
    )
    assert ("本期无销售", "c:duties nil 2026-W29") in world["dealer1"].buttons()


def test_the_nil_report_button_counts_as_on_time_and_stops_the_reminder(world, uow_factory, clock):
    clock.set(SUNDAY_19_JULY_LATE)
    world["dealer1"].say("/duties")
    answer = world["dealer1"].press("本期无销售")
    assert "已登记：2026-W29 本期无销售" in answer and "按时" in answer
    assert "已经登记" in world["dealer1"].say("/duties nil 2026-W29")  # a second press
    assert "2026-W29，截止 2026年7月20日：按时提交" in world["dealer1"].say("/duties")
    remind(uow_factory, clock, SAT_18_JULY)
    assert not told(uow_factory, "dealer1", "2026-W29")
    remind(uow_factory, clock, TUE_21_JULY)
    assert not told(uow_factory, "dealer1", "2026-W29")


def test_a_nil_report_after_the_due_day_is_late(world, clock):
    clock.set(TUE_21_JULY)
    assert "记为迟交" in world["dealer1"].say("/duties nil 2026-W29")
    assert "迟交" in world["dealer1"].say("/duties")


def test_a_nil_report_for_a_month_a_future_week_or_nonsense_is_refused(world, clock):
    d = world["dealer1"]
    assert "不是您的销售上报期间" in d.say("/duties nil 2026-07")
    assert "2026-W29" in d.say("/duties nil abc")  # the example is this week
    assert "还没有开始" in d.say("/duties nil 2026-W40")
    assert "用法" in d.say("/duties nil")
    assert "没有使用这个命令的权限" in world["boss_sc"].say("/duties nil 2026-W29")


def test_the_reminder_goes_remind_days_before_the_due_day_once(world, uow_factory, clock):
    remind(uow_factory, clock, FRI_17_JULY)
    assert not told(uow_factory, "dealer1", "提醒")  # W29 is due Monday: three days ahead
    remind(uow_factory, clock, SAT_18_JULY)
    remind(uow_factory, clock, datetime(2026, 7, 19, 1, 0, tzinfo=UTC))
    [reminder] = told(uow_factory, "dealer1", "提醒")
    assert "销售上报（2026-W29）截止日期是 2026年7月20日" in reminder


def test_overdue_goes_to_the_dealer_and_its_managers_once(world, uow_factory, clock):
    remind(uow_factory, clock, TUE_21_JULY)
    remind(uow_factory, clock, datetime(2026, 7, 22, 1, 0, tzinfo=UTC))
    assert len(told(uow_factory, "dealer1", "2026-W29）已逾期")) == 1
    [boss] = told(uow_factory, "boss_sc", "销售上报（2026-W29")
    assert "D001 华西医疗" in boss and "D002" not in boss  # Shanghai is not M01's
    [admin] = told(uow_factory, "admin", "销售上报（2026-W29")
    assert "D001 华西医疗" in admin and "D002 申城器械" in admin


def test_a_week_reported_late_is_not_chased_but_shows_as_late_to_managers(
    world, uow_factory, clock
):
    clock.set(TUE_21_JULY)
    world["dealer1"].say("/report A100 2 3500 T-0001 2026-07-19")
    remind(uow_factory, clock, TUE_21_JULY)
    assert not told(uow_factory, "dealer1", "2026-W29）已逾期")
    late = world["boss_sc"].say("/duties")
    assert "销售上报 2026-W29（截止 2026年7月20日）" in late and "D001 华西医疗：迟交" in late


def test_two_schedulers_at_once_send_each_notice_once(world, uow_factory, clock):
    clock.set(TUE_21_JULY)
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        run_job(JOBS, uow_factory, clock, CoreOptions(), "report_reminder", TUE_21_JULY)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(told(uow_factory, "dealer1", "2026-W29）已逾期")) == 1
    assert len(told(uow_factory, "boss_sc", "销售上报（2026-W29")) == 1


def test_a_tier_override_moves_the_due_day(world, uow_factory, clock):
    # D001 is tier A: its weeks are due on Friday, so W29 is due 24 July, not 20 July.
    options = CoreOptions(duty_tier_rules=(("A", (("sales_report", "weekly:FRI"),)),))
    remind(uow_factory, clock, TUE_21_JULY, options)
    assert not told(uow_factory, "dealer1", "2026-W29）已逾期")
    assert told(uow_factory, "admin", "销售上报（2026-W29")  # D002 (tier B) is late


def test_a_manager_sees_who_is_late_in_a_region_and_nobody_outside_scope(world, clock):
    clock.set(TUE_21_JULY)
    late = world["boss_sc"].say("/duties SC")
    assert "四川" in late and "D001 华西医疗：逾期未交" in late
    outside = world["boss_sc"].say("/duties SH")
    assert "“SH”不是您辖区内的区域" in outside and "/duties 区域" in outside
    assert "D002" in world["admin"].say("/duties")


def test_export_duties_lists_each_duty_due_in_the_month(world, clock):
    clock.set(TUE_21_JULY)
    world["dealer1"].say("/duties nil 2026-W28")
    world["admin"].send("/export duties 2026-07")
    [reply] = world["admin"].last
    book = load_workbook(io.BytesIO(reply.document.content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0][:4] == ["经销商编码", "经销商", "事项", "期间"]
    d1 = [r for r in rows[1:] if r[0] == "D001"]
    periods = {(r[2], r[3]) for r in d1}
    # Weeks due in July (W27-W30 are due 6, 13, 20, 27 July), June's stock and statements.
    assert ("销售上报", "2026-W28") in periods and ("库存上报", "2026-06") in periods
    assert ("财务报表", "2026-06") in periods and ("销售上报", "2026-W31") not in periods
    assert next(r for r in d1 if r[3] == "2026-W28")[6] == "迟交"


def test_duties_and_the_reminder_read_in_english(world, uow_factory, clock):
    world["dealer1"].say("/lang en")
    text = world["dealer1"].say("/duties")
    assert "sales report (weekly, due Monday)" in text
    assert "2026-W28, due Jul 13, 2026: overdue" in text
    assert ("No sales this period", "c:duties nil 2026-W29") in world["dealer1"].buttons()
    remind(uow_factory, clock, SAT_18_JULY)
    [reminder] = told(uow_factory, "dealer1", "Reminder")
    assert "sales report (2026-W29) is due on Jul 20, 2026" in reminder
    assert "Recorded: no sales in 2026-W29" in world["dealer1"].say("/duties nil 2026-W29")


def test_tiers_late_on_one_week_with_different_due_days_are_listed_under_each(
    world, uow_factory, clock
):
    options = CoreOptions(duty_tier_rules=(("A", (("sales_report", "weekly:FRI"),)),))
    remind(uow_factory, clock, datetime(2026, 7, 25, 1, 0, tzinfo=UTC), options)
    lists = told(uow_factory, "admin", "销售上报（2026-W29")
    assert len(lists) == 2
    assert any("截止 2026年7月24日" in t and "D001" in t and "D002" not in t for t in lists)
    assert any("截止 2026年7月20日" in t and "D002" in t and "D001" not in t for t in lists)
