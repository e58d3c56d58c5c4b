"""Confirm, then undo, through the real CLI piped: a manager dismisses a severe violation
(previewed, 确认 pressed by its number), takes the dismissal back with the receipt's button,
and the dealer's next session prints both notices, the second saying it is open again."""

from __future__ import annotations

import pytest

from tests.e2e.test_console import CSV, Bot, in_order

PRICES = (
    "sku,supply_price,min_terminal_price,min_bid_price,valid_from\nA100,2400,3000,2700,2026-01-01\n"
)


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Bot:
    bot = Bot(tmp_path_factory.mktemp("decisions"))
    assert "up to date" in bot.cli("db", "upgrade")
    for kind, text in CSV.items():
        bot.load(kind, text)
    bot.load("prices", PRICES)
    return bot


def test_a_manager_confirms_a_dismissal_then_undoes_it_and_the_dealer_hears_both(bot):
    dealer = bot.chat(
        "d1", [f"/start {bot.quick_invite(dealer='D001')}", "/report A100 1 3000 T-0012"]
    )
    assert "窜货" in dealer
    boss = bot.chat(
        "m1",
        [
            f"/start {bot.quick_invite(manager='M01')}",
            "/violation 1 dismiss 医院已并入四川区域",
            "1",  # 确认
            "1",  # 撤销, the receipt's button
            "/violation 1",
        ],
    )
    in_order(
        boss,
        "将驳回严重违规 #1（经销商 D001）",
        "瑞金医院",
        "确认执行吗？",
        "[1] 确认",
        "[2] 取消",
        "违规 #1 → 已驳回",
        "15 分钟内",
        "/undo 1",
        "[1] 撤销",
        "已撤销决定 #1（原记录保留）",
        "违规 #1 已恢复为「待处理」；已通知经销商 D001 的 1 位联系人",
        "违规 #1（待处理）",
        "决定 #1 作出：王经理 (M01)",
        "决定 #1 撤销：王经理 (M01)",
    )
    later = bot.chat("d1", ["/help"])
    in_order(later, "公司的处理结果：已驳回", "的驳回已撤销，违规恢复为「待处理」", "涉及销售 #1")
