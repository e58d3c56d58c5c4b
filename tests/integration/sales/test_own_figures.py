"""Dealers see their own sales, violations, stock and contract; managers see their scope's
stock with days of cover; in chat and in the XLSX export, on both databases."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from handlers.core.conversation import Conversation
from storage.models import ContractRow, DealerRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def chats(uow_factory, clock) -> tuple[Chat, Chat, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, other, boss = Chat(conv, "d1"), Chat(conv, "d2"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    other.say(f"/start {invite(uow_factory, clock, dealer='D002')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    return dealer, other, boss


def test_a_dealer_lists_its_own_sales_of_the_month_with_status_and_violations(chats):
    dealer, other, _ = chats
    dealer.say("/report A100 2 3500 T-0001")
    dealer.say("/report A100 1 2900 T-0001")  # under the floor: a violation
    other.say("/report X200 5 120 T-0012")
    text = dealer.say("/sales")
    assert "2026-07" in text and "共 2 单" in text
    assert "超声诊断仪 A100" in text and "华西医院" in text and "已确认" in text
    assert "违规 #1" in text and "低于最低终端售价" in text and "待处理" in text
    assert "X200" not in text  # the other dealer's sale


def test_a_withdrawn_sale_shows_as_withdrawn_with_its_settled_violation(chats):
    dealer, _, _ = chats
    dealer.say("/report A100 1 2900 T-0001")
    dealer.say("/withdraw 1")
    text = dealer.say("/sales 2026-07")
    assert "已撤回】" in text and "已撤回（销售已撤回）" in text


def test_sales_of_another_period_and_a_bad_period_say_what_to_send(chats):
    dealer, _, _ = chats
    dealer.say("/report A100 2 3500 T-0001")
    assert "2026-06 您没有上报过销售" in dealer.say("/sales 2026-06")
    assert "共 1 单" in dealer.say("/sales 2026-Q3")
    assert "请用 2026、2026-Q3 或 2026-07" in dealer.say("/sales 七月份")


def test_a_question_about_own_sales_is_answered_from_the_record_not_policy(chats):
    dealer, _, _ = chats
    dealer.say("/report A100 2 3500 T-0001")
    text = dealer.say("我这个月报了哪些单？")
    assert "您 2026-07 的销售上报" in text and "#1" in text
    assert "2026-06 您没有上报过销售" in dealer.say("我上个月报了哪些单")


def test_a_dealer_lists_its_own_violations_with_the_sale_each_is_about(chats):
    dealer, other, _ = chats
    dealer.say("/report A100 1 2900 T-0001")
    other.say("/report X200 1 50 T-0012")
    other.press("确定")
    text = dealer.say("/violations")
    assert "您的违规记录" in text and "#1" in text and "低于最低终端售价" in text
    assert "涉及销售 #1" in text and "华西医院" in text and "待处理" in text
    assert "#2" not in text
    assert "您的违规记录" in dealer.say("我有哪些违规？")
    assert "您没有待处理的违规" in other.say("/violations open") or "#2" in other.say(
        "/violations open"
    )


def test_a_rule_question_about_violations_still_goes_to_policy(chats):
    dealer, _, _ = chats
    assert "您的违规记录" not in dealer.say("我窜货会怎么处罚？")


def test_a_dealer_sees_its_latest_stock_with_days_of_cover(chats):
    dealer, _, _ = chats
    dealer.say("/stock A100 50 2026-07-01")
    dealer.say("/stock A100 45")
    dealer.say("/report A100 30 3500 T-0001")
    text = dealer.say("我的库存还有多少")
    assert "超声诊断仪 A100 (A100)：45" in text and "售出 30" in text
    assert "约可售 135 天" in text  # 45 units at 30 per 90 days
    assert "超声诊断仪 A100 (A100)：45" in dealer.say("/stock")


def test_a_dealer_without_stock_is_told_so(chats):
    dealer, _, _ = chats
    assert "您还没有上报过库存" in dealer.say("我的库存")


def test_a_manager_sees_a_dealers_stock_in_scope_and_not_outside_it(chats):
    dealer, other, boss = chats
    dealer.say("/stock A100 45")
    other.say("/stock X200 7")
    text = boss.say("/stock D001")
    assert "D001 华西医疗" in text and "45" in text and "近 90 天无销售" in text
    outside, missing = boss.say("/stock D002"), boss.say("/stock D999")
    assert "不是您辖区内的经销商" in outside and "/stock D001" in outside
    assert outside.replace("D002", "D999") == missing  # no probing for other regions' dealers
    assert "/stock D001" in boss.say("/stock")


def test_stocks_lists_the_scope_and_refuses_a_region_outside_it(chats):
    dealer, other, boss = chats
    dealer.say("/stock A100 45")
    other.say("/stock X200 7")
    text = boss.say("/stocks")
    assert "D001 华西医疗" in text and "D002" not in text
    assert "D001" in boss.say("/stocks 四川") and "D001" in boss.say("/stocks sc")
    refused = boss.say("/stocks SH")
    assert "不是您辖区内的区域" in refused and "四川" in refused
    assert "不是您辖区内的区域" in boss.say("/stocks 火星")


def test_stocks_in_english_names_days_of_cover(chats):
    dealer, _, boss = chats
    dealer.say("/stock A100 45")
    dealer.say("/report A100 30 3500 T-0001")
    boss.say("/lang en")
    assert "about 135 day(s) of cover" in boss.say("/stocks")


def test_stock_export_is_a_workbook_of_latest_levels_in_scope(chats):
    dealer, other, boss = chats
    dealer.say("/stock A100 50 2026-07-01")
    dealer.say("/stock A100 45")
    dealer.say("/report A100 30 3500 T-0001")
    other.say("/stock X200 7")
    [reply] = boss.send("/export 库存")
    assert reply.document is not None and reply.document.filename == "stock-2026-07.xlsx"
    ws = load_workbook(io.BytesIO(reply.document.content)).active
    header = [c.value for c in ws[1]]
    assert header[:5] == ["经销商编号", "经销商名称", "产品编码", "产品名称", "库存数量"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 1
    code, name, sku, _, qty, as_of, sold, days = rows[0]
    assert (code, name, sku, qty, sold, days) == ("D001", "华西医疗", "A100", 45, 30, 135)
    assert as_of.date() == date(2026, 7, 17)


def test_a_chinese_export_kind_name_works_and_chinese_replies_list_no_english_kinds(chats):
    dealer, _, boss = chats
    dealer.say("/report A100 2 3500 T-0001")
    [reply] = boss.send("/export 销售 2026-07")
    assert reply.document is not None and reply.document.filename == "sales-2026-07.xlsx"
    [unknown] = boss.send("/export 仓库")
    assert "没有“仓库”这种导出" in unknown.text and "销售、库存、违规记录" in unknown.text
    for english in ("sales", "violations", "complaints", "stock", "approvals"):
        assert english not in unknown.text
    boss.say("/lang en")
    assert "Sales, Stock, Violations" in boss.say("/export nothing")


def test_a_dealer_asks_when_its_contract_ends(chats, uow_factory):
    dealer, other, _ = chats
    with uow_factory() as uow:
        d1 = uow.session.query(DealerRow).filter_by(code="D001").one()
        uow.session.add(
            ContractRow(
                dealer=d1,
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
                annual_target=1000000,
                deposit=50000,
                franchise_fee=0,
            )
        )
        uow.commit()
    assert "还有 167 天到期" in dealer.say("合同什么时候到期？")
    assert "没有您的合同记录" in other.say("我的合同哪天到期")
