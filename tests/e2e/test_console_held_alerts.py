"""Through the real CLI, piped: a dealer's severe violation when no manager of the region
is linked is queued, the receipt says for whom, and the manager who links afterwards gets
it printed with its buttons and decides it by number."""

from __future__ import annotations

import pytest

from tests.e2e.test_console import CSV, Bot, in_order


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Bot:
    bot = Bot(tmp_path_factory.mktemp("held"))
    assert "up to date" in bot.cli("db", "upgrade")
    for kind, text in CSV.items():
        bot.load(kind, text)
    return bot


def test_a_severe_violation_waits_for_the_manager_and_reaches_them_when_they_link(bot):
    dealer = bot.chat(
        "u1", [f"/start {bot.quick_invite(dealer='D001')}", "/report A100 1 3000 T-0012"]
    )
    in_order(
        dealer,
        "已绑定经销商：华西医疗。",
        "已记录销售 #1",
        "窜货",
        "严重违规已排队，王经理（销售经理）中任何一位绑定后立即送达",
    )
    manager = bot.chat("m1", [f"/start {bot.quick_invite(manager='M01')}", "1"])
    in_order(
        manager,
        "已绑定管理人员：王经理（销售经理）",
        "您绑定前有 1 条严重违规在等您处理，已逐条发给您。",
        "[!] 🚨 严重违规 #1：经销商 D001 华西医疗，销售 #1",
        "涉及销售 #1：超声诊断仪 A100 (A100) × 1",
        "瑞金医院 (T-0012)",
        "[1] 确认违规",
    )
    assert manager.count("[!] 🚨 严重违规 #1") == 1
    decided = manager.split("[1] 确认违规")[1]  # typing 1 pressed it
    assert "违规 #1 → 已确认" in decided, manager
    assert "[!]" not in bot.chat("m1", ["/help"])  # delivered once
