"""/help examples read in the user's language: no Chinese sample text in English help."""

from __future__ import annotations

import re

import pytest

from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chats(uow_factory, clock) -> tuple[Chat, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, boss = Chat(conv, "u1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M02')}")
    return dealer, boss


def test_english_help_examples_have_no_chinese_words_except_a_dealer_name_to_search(chats):
    for chat in chats:
        chat.say("/lang en")
        lines = [ln for ln in chat.say("/help").splitlines() if ln.startswith("/")]
        chinese = [ln for ln in lines if CJK.search(ln) and not ln.startswith("/dealers ")]
        assert not chinese, chinese
    assert "/ask what is the penalty" in chats[0].say("/help")


def test_chinese_help_keeps_the_chinese_examples(chats):
    dealer, boss = chats
    assert "/ask 窜货会怎么处罚？ —" in dealer.say("/help")
    assert "/violation 5 penalize 罚款 3000 价格低于底价 —" in boss.say("/help")
    dealer.say("/report A100 1 100 T-0001")  # far under the floor: asked again
    assert "违反" in dealer.press("确定")  # violation #1
    # the example works
    assert "罚款 ¥3,000.00" in boss.say("/violation 1 penalize 罚款 3000 价格低于底价")


def test_help_words_target_for_a_manager_and_ticket_for_a_dealer_as_each_may_use_them(chats):
    dealer, boss = chats
    dealer_help, boss_help = dealer.say("/help"), boss.say("/help")
    assert "/target 2026-Q3 — 查看销售目标" in dealer_help
    assert "/target D001 2026-Q3 — 查看一家经销商的目标进度" in boss_help
    assert "/ticket 12 — 查看工单详情与处理记录" in dealer_help and "resolve" not in dealer_help
    assert "/ticket 12 resolve 已更换主板 — " in boss_help
    assert "截至" in boss.say("/target D001 2026-Q3")  # the manager's example works
