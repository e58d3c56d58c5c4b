"""Sales reports through the conversation, on SQLite and PostgreSQL: recorded once, checked
against the policy, alerted, decided by the right managers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from storage.sales.models import SaleDraftRow, SaleRow, StockRow, ViolationRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def conv(uow_factory, clock):
    seed_catalog(uow_factory)
    with uow_factory() as uow:  # a manager of Shanghai, to test role scoping
        sh = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SH"))
        m3 = ManagerRow(code="M03", name="陈经理", role="sales_manager")
        m3.regions.append(ManagerRegionRow(region=sh))
        uow.session.add(m3)
        uow.commit()
    return Conversation(uow_factory, clock)


def linked(conv, uow_factory, clock, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


@pytest.fixture
def dealer(conv, uow_factory, clock):
    return linked(conv, uow_factory, clock, "d1", dealer="D001")


@pytest.fixture
def boss(conv, uow_factory, clock):
    return linked(conv, uow_factory, clock, "boss", manager="M01")


def count(uow_factory, model, *where) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def outbox_texts(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [i.payload["text"] for i in uow.outbox.list() if i.chat_id == chat_id]


def test_a_report_records_the_sale_and_replies_with_number_and_amount(dealer, uow_factory):
    answer = dealer.say("/report A100 20 3500 T-0001")
    assert "#1" in answer and "¥70,000.00" in answer and "符合" in answer
    with uow_factory() as uow:
        row = uow.session.scalar(select(SaleRow))
        assert (row.qty, row.unit_price, row.amount, row.kind) == (
            20,
            Decimal("3500.00"),
            Decimal("70000.00"),
            "retail",
        )
        assert row.status == "confirmed" and row.reported_by is not None
        assert str(row.sold_on) == "2026-07-17"


def test_one_cent_under_the_floor_is_reported_with_the_clause_it_breaks(dealer, uow_factory):
    answer = dealer.say("/report A100 1 2999.99 华西医院")
    assert "低于最低终端售价" in answer and "七、价格体系管理第2条" in answer
    assert count(uow_factory, ViolationRow) == 1
    assert "符合" in dealer.say("/report A100 1 3000 T-0001")
    assert count(uow_factory, ViolationRow) == 1


def test_a_severe_violation_goes_at_once_to_the_regional_manager_only(
    conv, dealer, boss, uow_factory, clock
):
    shanghai = linked(conv, uow_factory, clock, "sh", manager="M03")
    dealer.say("/report A100 2 2500 T-0001")  # 16.7% under the floor: severe
    answer = dealer.press("确定")  # asked again, being far under the floor
    assert "严重" in answer and "已即时通知您的 1 位经理" in answer
    [alert] = outbox_texts(uow_factory, boss.user_id)
    assert "D001" in alert and "华西医疗" in alert
    assert outbox_texts(uow_factory, shanghai.user_id) == []
    dealer.say("/report A100 2 2900 T-0001")  # 3.3% under: not severe, no alert
    assert len(outbox_texts(uow_factory, boss.user_id)) == 1


def test_a_severe_violation_with_no_manager_linked_says_nobody_was_told(dealer, uow_factory):
    dealer.say("/report A100 2 2500 T-0001")
    answer = dealer.press("确定")  # asked again, being far under the floor
    assert "严重" in answer and "未能即时通知任何人" in answer and "已即时通知" not in answer
    with uow_factory() as uow:
        assert uow.outbox.list() == []


def test_selling_outside_the_authorized_region_is_cross_region_selling(dealer, boss, uow_factory):
    answer = dealer.say("/report A100 1 3000 T-0012")
    assert "窜货" in answer and "八、市场秩序管理第1条" in answer
    assert len(outbox_texts(uow_factory, boss.user_id)) == 1


def test_an_unknown_product_gets_close_matches_as_buttons_and_nothing_is_recorded(
    dealer, uow_factory
):
    answer = dealer.say("/report A10 2 3000 T-0001")
    assert "A100" in answer
    assert ("超声诊断仪 A100 (A100)", "c:report A100 2 3000 T-0001") in dealer.buttons()
    assert count(uow_factory, SaleRow) == 0
    assert "#1" in dealer.press("A100")
    assert count(uow_factory, SaleRow) == 1


def test_a_bare_report_is_a_guided_form_ending_in_a_recorded_sale(dealer, uow_factory):
    dealer.say("/report")
    assert ("超声诊断仪 A100 (A100)", "f:A100") in dealer.choices()
    dealer.press("A100")
    dealer.say("二十")
    dealer.say("3,500元")
    dealer.press("华西医院")
    assert count(uow_factory, SaleRow) == 0
    assert "#1" in dealer.press("确认")
    assert count(uow_factory, SaleRow) == 1


def test_a_report_without_a_terminal_asks_for_one(dealer, uow_factory):
    assert "终端" in dealer.say("/report tender A100 2 2800")
    dealer.say("T-0001")
    answer = dealer.press("确认")
    assert "投标销售" in answer
    with uow_factory() as uow:
        assert uow.session.scalar(select(SaleRow.kind)) == "tender"


def test_a_sentence_becomes_a_draft_recorded_once_however_often_confirm_is_tapped(
    dealer, uow_factory
):
    card = dealer.say("今天给华西医院卖了20台A100，单价3500元")
    assert "草稿" in card and "¥70,000.00" in card
    assert count(uow_factory, SaleRow) == 0
    buttons = dict(dealer.buttons())
    first = dealer.say(payload=buttons["确认"])
    again = dealer.say(payload=buttons["确认"])  # a double tap, or a stale card tapped later
    assert "#1" in first and "已记录过" in again
    assert count(uow_factory, SaleRow) == 1
    assert "已记录为销售 #1" in dealer.say(payload=buttons["取消"])


def test_an_english_sentence_with_an_unclear_product_asks_which_one(dealer, uow_factory):
    answer = dealer.say("sold 5 units of A10 to T-0001 at 3100")
    assert "A100" in answer
    dealer.press("A100")
    assert "#1" in dealer.press("确认")


def test_a_cancelled_draft_records_nothing_and_edit_opens_the_form(dealer, uow_factory):
    dealer.say("给华西医院卖了3台A100，单价3200")
    assert "未记录" in dealer.press("取消")
    dealer.say("给华西医院卖了3台A100，单价3200")
    dealer.press("修改")
    assert ("保持：A100", "f:A100") in dealer.choices()
    assert count(uow_factory, SaleRow) == 0


def test_typing_cancel_ends_a_drafted_sale_waiting_for_confirm(dealer, uow_factory):
    dealer.say("给华西医院卖了3台A100，单价3200")
    confirm = [p for label, p in dealer.buttons() if p.endswith(" ok")]
    assert "已取消，没有保存任何内容" in dealer.say("取消")
    assert "这个草稿已取消" in dealer.say(payload=confirm[0])
    assert count(uow_factory, SaleRow) == 0
    assert "没有进行中" in dealer.say("/cancel")


def test_a_policy_question_is_not_taken_for_a_sale(dealer, uow_factory):
    dealer.say("低于最低价销售会怎样？")
    dealer.say("窜货怎么处罚")
    assert count(uow_factory, SaleDraftRow) == 0


def test_a_redelivered_message_records_the_sale_once(dealer, uow_factory):
    first = dealer.say("/report A100 20 3500 T-0001", dedupe_key="tg:1:500")
    again = dealer.say("/report A100 20 3500 T-0001", dedupe_key="tg:1:500")
    assert first == again
    assert count(uow_factory, SaleRow) == 1
    with uow_factory() as uow:
        assert uow.session.scalar(select(SaleRow.dedupe_key)) == "tg:1:500"


def csv_file(text: str) -> Attachment:
    return Attachment("sales.csv", text.encode("utf-8"), "text/csv")


def test_a_good_sheet_is_recorded_whole_with_total_and_violations(dealer, boss, uow_factory):
    sheet = (
        "sku,qty,unit_price,terminal_code,sold_on,kind\n"
        "A100,2,3500,T-0001,2026-07-16,retail\n"
        "超声A100,1,2000,华西医院,,tender\n"
        'A100,1,"3,000.00",T-0001,,\n'
    )
    answer = dealer.say(file=csv_file(sheet))
    assert "3 笔" in answer and "¥12,000.00" in answer
    assert "低于最低中标价" in answer
    assert count(uow_factory, SaleRow) == 3


def test_the_same_sheet_sent_twice_the_same_day_is_recorded_once(dealer, uow_factory):
    sheet = "sku,qty,unit_price,terminal_code\nA100,2,3500,T-0001\nA100,1,3600,T-0001\n"
    assert "2 笔" in dealer.say(file=csv_file(sheet), dedupe_key="tg:1:801")
    again = dealer.say(file=csv_file(sheet), dedupe_key="tg:1:802")
    assert "已经上报过了" in again and "#1" in again
    assert count(uow_factory, SaleRow) == 2
    changed = sheet + "A100,1,3700,T-0001\n"
    assert "3 笔" in dealer.say(file=csv_file(changed), dedupe_key="tg:1:803")
    assert count(uow_factory, SaleRow) == 5


def test_an_xlsx_sheet_is_read_like_a_csv(dealer, uow_factory):
    wb = Workbook()
    ws = wb.active
    ws.append(["SKU", "数量", "单价", "终端"])
    ws.append(["A100", 4, 3100.5, "T-0001"])
    buf = io.BytesIO()
    wb.save(buf)
    answer = dealer.say(file=Attachment("july.xlsx", buf.getvalue()))
    assert "1 笔" in answer and "¥12,402.00" in answer


def test_a_sheet_with_bad_rows_lists_every_one_and_records_nothing(dealer, uow_factory):
    sheet = (
        "sku,qty,unit_price,terminal_code,sold_on\n"
        "A100,2,3500,T-0001,\n"
        "Z999,2,3500,T-0001,\n"
        "A100,-1,3500,T-0001,\n"
        "A100,2,abc,T-0001,\n"
        "A100,2,3500,T-9999,\n"
        "A100,2,3500,T-0001,2026-08-01\n"
    )
    answer = dealer.say(file=csv_file(sheet))
    for line in (3, 4, 5, 6, 7):
        assert f"第 {line} 行" in answer
    assert "第 2 行" not in answer
    assert count(uow_factory, SaleRow) == 0


def test_a_sheet_missing_columns_names_them(dealer, uow_factory):
    answer = dealer.say(file=csv_file("sku,qty\nA100,2\n"))
    assert "unit_price" in answer and "terminal_code" in answer


def test_stock_is_recorded_for_today_or_a_given_day_and_replaced_the_same_day(dealer, uow_factory):
    assert "35" in dealer.say("/stock A100 35")
    dealer.say("/stock A100 30")
    dealer.say("/stock X200 5 2026-07-10")
    assert count(uow_factory, StockRow) == 2
    assert "不能晚于今天" in dealer.say("/stock A100 3 2026-07-18")
    listing = dealer.say("/stock")  # a bare /stock shows the levels and asks for a product
    assert "30" in listing and ("超声诊断仪 A100 (A100)", "f:A100") in dealer.choices()
    dealer.press("A100")
    assert "12" in dealer.say("12")
    assert count(uow_factory, StockRow) == 2
    with uow_factory() as uow:
        levels = {s.sku: s.qty for s in uow.stock.latest("D001")}
    assert levels == {"A100": 12, "X200": 5}


def test_a_dealer_withdraws_within_the_window_and_needs_a_manager_after_it(
    dealer, boss, uow_factory, clock
):
    dealer.say("/report A100 20 3500 T-0001")
    dealer.say("/report A100 5 3500 T-0001")
    assert "已撤回" in dealer.say("/withdraw 1")
    assert "不能再修改" in dealer.say("/withdraw 1")
    clock.advance(hours=25)
    assert "修改期限" in dealer.say("/correct 2 5 3600")
    assert "已更正" in boss.say("/correct 2 5 3600")
    with uow_factory() as uow:
        statuses = dict(uow.session.execute(select(SaleRow.id, SaleRow.status)).all())
    assert statuses == {1: "withdrawn", 2: "corrected", 3: "confirmed"}


def test_managers_see_and_decide_only_their_regions_violations(
    conv, dealer, boss, uow_factory, clock
):
    other = linked(conv, uow_factory, clock, "d2", dealer="D002")
    other.say("/report X200 1 50 T-0012")  # D002 sells in Shanghai
    other.press("确定")  # asked again, being far under the floor
    dealer.say("/report A100 1 2500 T-0001")  # D001 in Sichuan
    dealer.press("确定")  # asked again, being far under the floor
    listing = boss.say("/violations open")
    assert "D001" in listing and "D002" not in listing
    d002_violation = 1
    assert "找不到违规记录" in boss.say(f"/violation {d002_violation} confirm")
    shanghai = linked(conv, uow_factory, clock, "sh", manager="M03")
    assert "D002" in shanghai.say("/violations")
    assert "权限" in dealer.say("/violations")


def test_a_penalty_is_recorded_with_who_and_when_and_the_dealer_is_told(dealer, boss, uow_factory):
    dealer.say("/report A100 1 2500 T-0001")
    dealer.press("确定")  # asked again, being far under the floor
    answer = boss.say("/violation 1 penalize 罚款 3000 低于底价")
    assert "已处罚" in answer and "罚款 ¥3,000.00" in answer
    with uow_factory() as uow:
        row = uow.session.get(ViolationRow, 1)
        assert (row.status, row.penalty, row.note, row.decided_by) == (
            "penalized",
            "fine",
            "低于底价",
            "manager:M01",
        )
        assert row.decided_at is not None
        assert row.evidence["report"]["unit_price"] == "2500.00"
    told = outbox_texts(uow_factory, dealer.user_id)
    assert any("违规 #1" in t and "罚款" in t for t in told)
    assert "不能再改" in boss.say("/violation 1 dismiss")


def test_an_english_decision_and_a_confirm_then_penalize(dealer, boss, uow_factory):
    dealer.say("/report A100 1 2500 T-0001")
    dealer.press("确定")  # asked again, being far under the floor
    boss.say("/lang en")
    assert "confirmed" in boss.say("/violation 1 confirm")
    assert "penalized" in boss.say("/violation 1 penalize withhold payment until paid")
    with uow_factory() as uow:
        row = uow.session.get(ViolationRow, 1)
        assert (row.penalty, row.note) == ("withhold_payment", "until paid")


def test_export_violations_is_a_spreadsheet_of_the_managers_scope(dealer, boss):
    dealer.say("/report A100 1 2500 T-0001")
    dealer.press("确定")  # asked again, being far under the floor
    [reply] = boss.send("/export violations 2026-07")
    assert reply.document is not None and reply.document.filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(reply.document.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "D001"


def test_an_approved_price_exception_exempts_a_later_sale(dealer, boss, uow_factory):
    assert "请确认" in boss.say("/exception A100 2500 D001 2026-07-01 2026-07-31")
    assert "符合" not in dealer.say("/report A100 1 2500 T-0001")  # nothing before Confirm
    assert "已记录价格例外" in boss.press("确认发送")
    assert "符合" in dealer.say("/report A100 1 2500 T-0001")
    assert "低于最低终端售价" in dealer.say("/report A100 1 2499 T-0001")
    assert "管理员" in boss.say("/exception A100 2500 all")


def test_sales_in_scope_lists_a_dealer_its_own_and_a_manager_their_regions(
    conv, dealer, boss, uow_factory, clock
):
    from datetime import date

    from domain.sales.model import SaleStatus
    from handlers.core.context import Ctx
    from handlers.core.i18n import Translator
    from handlers.core.messages import Inbound
    from handlers.core.options import CoreOptions
    from handlers.sales.scope import sales_in_scope

    other = linked(conv, uow_factory, clock, "d2", dealer="D002")
    other.say("/report X200 1 120 T-0012")
    dealer.say("/report A100 1 3000 T-0001")
    dealer.say("/report A100 2 3000 T-0001")
    dealer.say("/withdraw 3")
    with uow_factory() as uow:

        def scope(user: str, **kw) -> list[int]:
            actor = uow.identities.find("console", user)
            ctx = Ctx(
                Inbound("console", user, user), actor, uow, clock, CoreOptions(), Translator()
            )
            return [s.id for s in sales_in_scope(ctx, date(2026, 7, 1), date(2026, 7, 31), **kw)]

        assert scope("d1") == [2]
        assert scope("d1", statuses=tuple(SaleStatus)) == [2, 3]
        assert scope("boss") == [2]
        assert scope("d2") == [1]


def test_a_report_may_name_the_product_and_terminal_with_spaces(dealer, uow_factory):
    answer = dealer.say("/report 超声诊断仪 A100 2 3,000 华西医院")
    assert "#1" in answer and "华西医院 (T-0001)" in answer
    assert "不是有效的数量" in dealer.say("/report A100 two 3000 T-0001")


def test_a_sentence_dated_in_the_future_is_refused_before_any_draft(dealer, uow_factory):
    assert "不能晚于今天" in dealer.say("7月20日给华西医院卖了2台A100，单价3500")
    assert count(uow_factory, SaleDraftRow) == 0
