"""XLSX exports are read by people in Excel: numbers are number cells, money shows two
decimals, dates and times are date cells (business-local), headers are localized."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


def chats(uow_factory, clock) -> tuple[Chat, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, boss = Chat(conv, "d1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    return dealer, boss


def sheet(chat: Chat, command: str):
    [reply] = chat.send(command)
    assert reply.document is not None
    return load_workbook(io.BytesIO(reply.document.content)).active


def test_sales_export_has_date_cells_and_money_with_two_decimals(uow_factory, clock):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/report A100 2 3500.5 T-0001")
    ws = sheet(boss, "/export sales 2026-07")
    header = [c.value for c in ws[1]]
    assert header[0] == "销售日期" and "单价" in header and "金额" in header
    row = ws[2]
    sold_on, qty, price, amount, reported = row[0], row[4], row[5], row[6], row[10]
    assert sold_on.value.date() == date(2026, 7, 17) and sold_on.number_format == "yyyy-mm-dd"
    assert qty.value == 2 and qty.data_type == "n"
    assert price.value == 3500.5 and price.number_format == "#,##0.00"
    assert amount.value == 7001 and amount.number_format == "#,##0.00"
    assert isinstance(reported.value, datetime) and reported.value == datetime(2026, 7, 17, 10, 0)


def test_violations_export_shows_prices_and_floors_as_money(uow_factory, clock):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/report A100 1 2500 T-0001")
    dealer.press("确定")  # asked again, being far under the floor
    boss.say("/lang en")
    ws = sheet(boss, "/export violations 2026-07")
    header = [c.value for c in ws[1]]
    price, floor = ws[2][header.index("Unit price")], ws[2][header.index("Floor")]
    assert price.value == 2500 and price.number_format == "#,##0.00"
    assert floor.value > 2500 and floor.number_format == "#,##0.00"
    assert ws[2][1].number_format == "yyyy-mm-dd hh:mm"


def test_complaints_export_has_filed_and_due_times_as_date_cells(uow_factory, clock):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/complaint")
    dealer.press("质量问题")
    dealer.say("T-0001")
    dealer.say("A100")
    dealer.say("开机后屏幕闪烁")
    dealer.press("跳过")
    assert "C00001" in dealer.press("普通")
    ws = sheet(boss, "/export complaints 2026-07")
    header = [c.value for c in ws[1]]
    filed, due = ws[2][header.index("提交时间")], ws[2][header.index("截止时间")]
    assert isinstance(filed.value, datetime) and filed.number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(due.value, datetime) and due.value > filed.value
    assert ws[2][header.index("解决时间")].value is None


def test_export_columns_are_wide_enough_for_their_dates_and_chinese_names(uow_factory, clock):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/report A100 2 3500 T-0001")
    ws = sheet(boss, "/export sales 2026-07")
    header = [c.value for c in ws[1]]
    width = {h: ws.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(header)}
    assert width["上报时间"] >= 16  # a date-time cell narrower than its text shows ####
    assert width["经销商"] >= 2 * len(ws[2][header.index("经销商")].value)


def test_violations_export_names_who_decided_as_the_chat_does(uow_factory, clock):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/report A100 1 2500 T-0001")
    dealer.press("确定")  # asked again, being far under the floor
    boss.say("/violation 1 confirm")
    ws = sheet(boss, "/export violations 2026-07")
    header = [c.value for c in ws[1]]
    decided_by = ws[2][header.index("处理人")].value
    assert decided_by.endswith("(M01)") and "manager:" not in decided_by


def test_an_unknown_export_names_what_was_asked_and_offers_the_kinds(uow_factory, clock):
    _, boss = chats(uow_factory, clock)
    [reply] = boss.send("/export stock 2026-07")
    assert "没有“stock”这种导出" in reply.text and "投诉工单" in reply.text
    assert reply.document is None and len(reply.buttons) >= 1
    [bare] = boss.send("/export")
    assert bare.text.startswith("要导出什么")
