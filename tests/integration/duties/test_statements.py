"""Financial statements: the template round trip, refusals, re-uploads, the typed form and
/statements with its stock flag, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from handlers.core.messages import Attachment
from handlers.core.workbooks import XLSX_MIME
from tests.integration.approvals.test_approvals import world_with

FIGURES = {"B5": 500000, "B6": 380000, "B8": 120000, "B9": 260000, "B10": 45000}


@pytest.fixture
def world(uow_factory, clock):
    return world_with(uow_factory, clock)


def template(chat, args: str = "") -> bytes:
    chat.send(f"/template financial {args}".strip())
    [reply] = chat.last
    assert reply.document is not None, reply.text
    return reply.document.content


def filled(content: bytes, **cells) -> bytes:
    book = load_workbook(io.BytesIO(content))
    ws = book.active
    for ref, value in {**FIGURES, **cells}.items():
        ws[ref] = value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def upload(chat, content: bytes, name: str = "financial-D001-2026-06.xlsx") -> str:
    return chat.say(file=Attachment(name, content, XLSX_MIME))


def stored(uow_factory, dealer: str = "D001"):
    with uow_factory() as uow:
        return uow.duties.statements(dealer)


def test_the_template_names_the_dealer_and_last_month_and_comes_back_filed(
    world, uow_factory, clock
):
    clock.set(datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    content = template(world["dealer1"])
    ws = load_workbook(io.BytesIO(content)).active
    assert [ws["A2"].value, ws["B2"].value] == ["经销商编码", "D001"]
    assert [ws["A4"].value, ws["B4"].value] == ["期间", "2026-06"]
    assert [ws[f"A{r}"].value for r in (5, 6, 8, 9, 10)] == [
        "营业收入",
        "营业成本",
        "应收账款",
        "存货",
        "现金",
    ]
    answer = upload(world["dealer1"], filled(content))
    assert "已收到 2026-06 财务报表（按时）" in answer and "营业收入：¥500,000.00" in answer
    [s] = stored(uow_factory)
    assert s.period == "2026-06" and s.version == 1
    assert s.figures.inventory == 260000 and s.source.value == "xlsx"


def test_totals_typed_in_must_agree_with_their_parts(world, uow_factory):
    content = filled(template(world["dealer1"]), B7=120000, B11=425000)
    assert "已收到" in upload(world["dealer1"], content)
    wrong = filled(template(world["dealer1"]), B7=100000)
    answer = upload(world["dealer1"], wrong)
    assert "第 7 行：“毛利”填的是 ¥100,000.00，但按各项计算应为 ¥120,000.00" in answer


def test_a_wrong_dealer_a_future_month_and_text_in_numbers_are_all_named_and_nothing_stored(
    world, uow_factory
):
    content = filled(template(world["dealer1"]), B2="D002", B4="2026-08", B5="五十万左右", B9=-5)
    answer = upload(world["dealer1"], content)
    assert "没有保存，发现 4 个问题" in answer
    assert "经销商编码是 D002，不是您的 D001" in answer
    assert "2026-08 还没有结束" in answer
    assert "第 5 行：“营业收入”应为数字，而不是“五十万左右”" in answer
    assert "第 9 行：“存货”不能为负数" in answer
    assert stored(uow_factory) == []


def test_a_sheet_for_another_months_template_is_refused_when_its_month_has_not_ended(world):
    content = filled(template(world["dealer1"], "2026-07"))
    assert "2026-07 还没有结束" in upload(world["dealer1"], content)


def test_a_missing_figure_is_named(world, uow_factory):
    content = filled(template(world["dealer1"]), B10=None)
    assert "缺少“现金”" in upload(world["dealer1"], content)
    assert stored(uow_factory) == []


def test_a_corrupt_statement_file_is_refused_with_what_to_do(world, uow_factory):
    answer = upload(world["dealer1"], b"PK\x03\x04 not really a workbook")
    assert "财务报表文件无法读取" in answer and "/template financial" in answer
    assert stored(uow_factory) == []


def test_a_re_upload_replaces_the_month_and_names_the_change(world, uow_factory):
    content = template(world["dealer1"])
    upload(world["dealer1"], filled(content))
    answer = upload(world["dealer1"], filled(content, B9=300000, B10=45000))
    assert "已用新文件替换 2026-06 的财务报表（第 2 版）" in answer
    assert "存货：¥260,000.00 → ¥300,000.00" in answer and "现金：" not in answer
    [s] = stored(uow_factory)
    assert s.version == 2 and s.figures.inventory == 300000
    with uow_factory() as uow:
        assert any(
            e.action == "statement.replaced" and "inventory 260000.00->300000.00" in e.detail
            for e in uow.audit.recent()
        )


def test_a_statement_after_its_due_day_counts_as_done_late(world, uow_factory, clock):
    # Filed 17 July, after its due day (15 July): late, and not chased any more.
    answer = upload(world["dealer1"], filled(template(world["dealer1"])))
    assert "已过截止日期，记为迟交" in answer
    assert "2026-06，截止 2026年7月15日：迟交" in world["dealer1"].say("/duties")


def test_an_english_template_reads_back_as_well(world, uow_factory):
    world["dealer1"].say("/lang en")
    content = template(world["dealer1"])
    assert load_workbook(io.BytesIO(content)).active["A5"].value == "Revenue"
    answer = upload(world["dealer1"], filled(content, B6="abc"))
    assert 'line 6: "Cost of sales" must be a number, not "abc"' in answer


def test_a_pdf_opens_the_short_form_and_the_typed_figures_are_filed(world, uow_factory):
    d = world["dealer1"]
    asked = d.say(file=Attachment("报表6月.pdf", b"%PDF-1.4 ...", "application/pdf"))
    assert "报表6月.pdf" in asked and "月份" in asked
    assert "营业收入 营业成本 应收账款 存货 现金" in d.press("2026-06")
    assert "需要 5 个数字，您输入了 2 个" in d.say("500000 380000")
    assert "“存货”应为数字，而不是“很多”" in d.say("500000 380000 120000 很多 45000")
    assert "“现金”不能为负数" in d.say("500000 380000 120000 260000 -1")
    check = d.say("500000 380000 120000 260000 45,000")
    assert "请核对 2026-06 财务报表" in check and "现金：¥45,000.00" in check
    assert "已收到 2026-06 财务报表" in d.press("确认提交")
    [s] = stored(uow_factory)
    assert s.source.value == "form" and s.figures.cash == 45000 and "报表6月.pdf" in s.file_name


def test_managers_see_the_months_a_chart_and_a_stock_flag_beyond_tolerance(
    world, uow_factory, clock
):
    clock.set(datetime(2026, 6, 29, 2, 0, tzinfo=UTC))
    world["dealer1"].say("/stock A100 100")  # 100 x supply price 2,400 = 240,000
    clock.set(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
    upload(world["dealer1"], filled(template(world["dealer1"])))  # inventory 260,000: 7.7 %
    text = world["boss_sc"].say("/statements D001")
    assert "2026-06：营业收入 ¥500,000.00" in text and "⚠️" not in text
    assert world["boss_sc"].last[0].image.content.startswith(b"\x89PNG")
    upload(world["dealer1"], filled(template(world["dealer1"]), B9=300000))  # 20 %
    text = world["boss_sc"].say("/statements D001")
    assert "（第 2 版）" in text
    assert "⚠️ 存货与聊天上报的库存（按供货价 ¥240,000.00）相差 20.0%，超过允许的 10.0%" in text
    outside = world["md_sh"].say("/statements D001")  # not Shanghai's dealer: not found
    assert "D001" in outside and "营业收入" not in outside
    assert "还没有提交过财务报表" in world["admin"].say("/statements D002")


def test_a_manager_gets_a_dealers_template_and_other_sheets_still_go_to_sales(world):
    content = template(world["boss_sc"], "D001 2026-05")
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["B2"].value == "D001" and ws["B4"].value == "2026-05"
    assert "不是月份" in world["dealer1"].say("/template financial 2026")
    assert "用法" in world["dealer1"].say("/template")
    sheet = b"sku,qty,price,terminal\nA100,1,3500,T-0001\n"
    answer = world["dealer1"].say(file=Attachment("sales.csv", sheet, "text/csv"))
    assert "财务报表" not in answer


@pytest.mark.parametrize(
    ("hour", "word"),
    [(15, "（按时）"), (16, "记为迟交")],  # 23:30 on 15 July in Shanghai, then 00:30 on the 16th
)
def test_the_due_day_ends_at_midnight_in_shanghai(world, clock, hour, word):
    clock.set(datetime(2026, 7, 15, hour, 30, tzinfo=UTC))
    assert word in upload(world["dealer1"], filled(template(world["dealer1"])))
