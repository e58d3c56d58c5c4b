"""A dealer and a manager ask for their own figures through the real console CLI, piped:
the dealer's sales, violations and stock; the manager's stock of their regions."""

from __future__ import annotations

import pytest

from tests.e2e.test_console import CSV, Bot, in_order


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Bot:
    bot = Bot(tmp_path_factory.mktemp("own_figures"))
    assert "up to date" in bot.cli("db", "upgrade")
    for kind, text in CSV.items():
        bot.load(kind, text)
    bot.load(
        "prices",
        "sku,supply_price,min_terminal_price,min_bid_price,valid_from,valid_to\n"
        "A100,2400,3000,2700,2026-01-01,\n",
    )
    return bot


def test_a_dealer_reads_its_own_sales_violations_and_stock_and_a_manager_its_regions(bot):
    dealer = bot.chat(
        "d1",
        [
            f"/start {bot.quick_invite(dealer='D001')}",
            "/report A100 2 3500 T-0001",
            "/report A100 1 2900 T-0001",
            "/stock A100 45",
            "/sales",
            "我有哪些违规？",
            "我的库存",
            "/sales 七月",
        ],
    )
    in_order(
        dealer,
        "已记录销售 #1",
        "已记录销售 #2",
        "已记录库存",
        "的销售上报：共 2 单，已确认 2 单，金额 ¥9,900.00",
        "#2 ",
        "⚠ 违规 #1：低于最低终端售价",
        "#1 ",
        "您的违规记录（最新在前）：",
        "涉及销售 #2",
        "您的最新库存",
        "超声诊断仪 A100 (A100)：45",
        "近 90 天售出 3，约可售 1,350 天",
        "“七月”不是有效期间，请用 2026、2026-Q3 或 2026-07。",
    )
    manager = bot.chat(
        "m1",
        [
            f"/start {bot.quick_invite(manager='M01')}",
            "/stocks",
            "/stocks SH",
            "/stock D002",
            "/export 库存",
        ],
    )
    in_order(
        manager,
        "已绑定管理人员：王经理",
        "您的辖区经销商的最新库存",
        "D001 华西医疗",
        "  超声诊断仪 A100 (A100)：45",
        "“SH”不是您辖区内的区域。您的区域：四川。",
        "“D002”不是您辖区内的经销商。请发送 /stock 经销商编号，例如 /stock D001",
        "库存 2026-",
        "共 1 行，见附件",
    )
    assert "申城器械" not in dealer + manager
