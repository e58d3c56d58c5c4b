"""Decisions that are hard to take back: dismissing a severe violation, a manager's price
exception and a broadcast are previewed and confirmed with 确认; their author may undo them
for `undo_minutes`, an admin reopens them later with a reason; the log only grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.decisions.model import Act, DecisionKind
from handlers.core.conversation import Conversation
from handlers.core.options import CoreOptions
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from storage.sales.models import PriceExceptionRow, ViolationRow
from tests.integration.promotions.test_promotions import fill_promo_form
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def conv(uow_factory, clock):
    seed_catalog(uow_factory)
    with uow_factory() as uow:  # a second manager of Sichuan
        sc = uow.session.scalars(select(RegionRow).where(RegionRow.code == "SC")).one()
        other = ManagerRow(code="M05", name="赵经理", role="sales_manager")
        other.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(other)
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


@pytest.fixture
def other(conv, uow_factory, clock):
    return linked(conv, uow_factory, clock, "zhao", manager="M05")


@pytest.fixture
def admin(conv, uow_factory, clock):
    return linked(conv, uow_factory, clock, "li", manager="M02")


def status(uow_factory, violation_id=1) -> str:
    with uow_factory() as uow:
        return uow.session.get(ViolationRow, violation_id).status


def outbox_texts(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [i.payload["text"] for i in reversed(uow.outbox.list()) if i.chat_id == chat_id]


def log(uow_factory, kind=DecisionKind.VIOLATION_DISMISS, subject="1"):
    with uow_factory() as uow:
        return [(d.act, d.author, d.reason) for d in uow.decisions.history(kind, subject)]


@pytest.fixture
def severe(dealer, boss, uow_factory):
    """Violation #1: D001 sold in Shanghai (窜货, severe)."""
    assert "窜货" in dealer.say("/report A100 1 3000 T-0012")
    return 1


def dismissed(boss) -> str:
    preview = boss.say("/violation 1 dismiss 医院已并入四川区域")
    assert "将驳回严重违规 #1" in preview
    return boss.press("确认")


def test_dismissing_a_severe_violation_previews_the_sale_and_waits_for_confirm(
    severe, boss, uow_factory
):
    preview = boss.say("/violation 1 dismiss 医院已并入四川区域")
    assert "将驳回严重违规 #1（经销商 D001）" in preview
    assert "销售 #1" in preview and "瑞金医院" in preview and "1 位联系人" in preview
    assert [label for label, _ in boss.choices()] == ["确认", "取消"]
    assert all(payload.startswith("f:~") for label, payload in boss.buttons() if label == "确认")
    assert status(uow_factory) == "open"  # nothing decided before 确认
    answer = boss.press("确认")
    assert "已驳回" in answer and "/undo 1" in answer and "15 分钟内" in answer
    assert ("撤销", "c:undo 1") in boss.buttons()
    assert status(uow_factory) == "dismissed"
    assert log(uow_factory) == [(Act.DECIDE, "manager:M01", "医院已并入四川区域")]


def test_a_second_press_of_confirm_decides_nothing_more(severe, boss, dealer, uow_factory):
    boss.say("/violation 1 dismiss")
    [confirm] = [payload for label, payload in boss.buttons() if label == "确认"]
    boss.say(payload=confirm)
    told = len(outbox_texts(uow_factory, dealer.user_id))
    assert "已过期或已结束" in boss.say(payload=confirm)
    assert len(log(uow_factory)) == 1
    assert len(outbox_texts(uow_factory, dealer.user_id)) == told


def test_cancelling_the_preview_leaves_the_violation_open(severe, boss, uow_factory):
    boss.say("/violation 1 dismiss")
    assert "已取消" in boss.press("取消")
    assert status(uow_factory) == "open"
    assert log(uow_factory) == []


def test_a_minor_violation_is_dismissed_at_once_and_can_still_be_undone(dealer, boss, uow_factory):
    dealer.say("/report A100 1 2900 T-0001")  # 3.3% under the floor: minor
    answer = boss.say("/violation 1 dismiss 录入错误")
    assert "已驳回" in answer and "/undo 1" in answer
    assert "已撤销决定 #1" in boss.say("/undo 1")
    assert status(uow_factory) == "open"


def test_the_author_undoes_a_dismissal_and_the_dealer_is_told_it_is_open_again(
    severe, boss, dealer, uow_factory
):
    dismissed(boss)
    assert "驳回" in outbox_texts(uow_factory, dealer.user_id)[-1]
    answer = boss.press("撤销")
    assert "已撤销决定 #1（原记录保留）" in answer
    assert "违规 #1 已恢复为「待处理」；已通知经销商 D001 的 1 位联系人" in answer
    assert status(uow_factory) == "open"
    notice = outbox_texts(uow_factory, dealer.user_id)[-1]
    assert "违规 #1" in notice and "驳回已撤销" in notice and "待处理" in notice
    assert "销售 #1" in notice and "瑞金医院" in notice  # names the sale
    assert [act for act, _, _ in log(uow_factory)] == [Act.DECIDE, Act.UNDO]
    details = boss.say("/violation 1")
    assert "决定 #1 作出：王经理 (M01)" in details and "决定 #1 撤销：王经理 (M01)" in details
    assert ("驳回", "c:violation 1 dismiss") in boss.buttons()  # may be decided again


def test_pressing_undo_twice_takes_the_decision_back_once(severe, boss, dealer, uow_factory):
    dismissed(boss)
    boss.press("撤销")
    told = len(outbox_texts(uow_factory, dealer.user_id))
    assert "不能再撤一次" in boss.say("/undo 1")
    assert len(log(uow_factory)) == 2
    assert len(outbox_texts(uow_factory, dealer.user_id)) == told


def test_the_author_may_undo_at_exactly_undo_minutes_and_not_a_second_later(
    severe, boss, uow_factory, clock
):
    dismissed(boss)
    clock.advance(minutes=15, seconds=1)
    refused = boss.say("/undo 1")
    assert "撤销时限（15 分钟" in refused and "请管理员写明原因重开" in refused
    assert status(uow_factory) == "dismissed"
    clock.advance(seconds=-1)
    assert "已撤销决定 #1" in boss.say("/undo 1")


def test_another_manager_may_not_undo_a_dismissal(severe, boss, other, uow_factory):
    dismissed(boss)
    answer = other.say("/undo 1")
    assert "决定 #1 是 王经理 (M01) 做的" in answer
    assert status(uow_factory) == "dismissed"


def test_an_admin_reopens_a_dismissal_after_the_window_only_with_a_reason(
    severe, boss, admin, dealer, uow_factory, clock
):
    dismissed(boss)
    clock.advance(days=2)
    assert "需要写明原因" in admin.say("/undo 1")
    answer = admin.say("/undo 1 终端实为上海瑞金，窜货属实")
    assert "已重开决定 #1" in answer and "终端实为上海瑞金" in answer
    assert status(uow_factory) == "open"
    assert "驳回已撤销" in outbox_texts(uow_factory, dealer.user_id)[-1]
    assert log(uow_factory)[-1] == (Act.REOPEN, "manager:M02", "终端实为上海瑞金，窜货属实")


def test_a_manager_granted_price_exception_is_confirmed_and_undone_by_revoking_it(
    boss, uow_factory
):
    preview = boss.say("/exception A100 2500 D001")
    assert "D001" in preview and [label for label, _ in boss.choices()] == ["确认", "取消"]
    with uow_factory() as uow:
        assert uow.session.scalars(select(PriceExceptionRow)).all() == []
    answer = boss.press("确认")
    assert "已记录价格例外 #1" in answer and "/undo 1" in answer
    answer = boss.press("撤销")
    assert "价格例外 #1 已撤回" in answer
    with uow_factory() as uow:
        [row] = uow.session.scalars(select(PriceExceptionRow)).all()
        assert row.revoked_by == "manager:M01"
    assert [a for a, _, _ in log(uow_factory, DecisionKind.PRICE_EXCEPTION, "1")] == [
        Act.DECIDE,
        Act.UNDO,
    ]


def test_a_broadcast_shows_how_many_dealers_it_reaches_before_it_goes(boss, dealer, uow_factory):
    preview = boss.say("/broadcast 国庆期间仓库放假三天")
    assert "将发送给 1 家经销商的 1 位联系人" in preview and "国庆期间仓库放假三天" in preview
    assert outbox_texts(uow_factory, dealer.user_id) == []
    assert "1 位联系人" in boss.press("确认")
    assert "国庆期间仓库放假三天" in outbox_texts(uow_factory, dealer.user_id)[-1]


def test_an_undone_broadcast_is_cancelled_and_its_addressees_told_to_disregard_it(
    boss, dealer, uow_factory
):
    boss.say("/broadcast 国庆期间仓库放假三天")
    boss.press("确认")
    answer = boss.press("撤销")
    assert "已撤回并取消" in answer and "1 位联系人" in answer
    assert "已被发送方撤回" in outbox_texts(uow_factory, dealer.user_id)[-1]
    assert "已取消" in boss.say("/promo 1")


def test_undo_of_an_unknown_decision_says_so(boss):
    assert "没有找到可撤销的决定 #9" in boss.say("/undo 9")
    assert "用法：/undo" in boss.say("/undo")


def test_the_undo_window_follows_the_config(uow_factory, clock, severe, boss):
    short = Conversation(uow_factory, clock, CoreOptions(undo_minutes=5))
    chat = Chat(short, boss.user_id)
    chat.say("/violation 1 dismiss")
    assert "5 分钟内" in chat.press("确认")
    clock.advance(minutes=6)
    assert "撤销时限（5 分钟" in chat.say("/undo 1")
    assert timedelta(minutes=5) == short.options.undo_window


def test_sending_a_saved_promotion_is_previewed_then_confirmed(admin, dealer, uow_factory):
    fill_promo_form(admin)
    admin.press("存为草稿")
    preview = admin.say("/promo send 1")
    assert "将发送给 2 家经销商的 1 位联系人" in preview and "#1" in preview
    assert outbox_texts(uow_factory, dealer.user_id) == []
    assert "#1 已开始发送" in admin.press("确认")
    assert len(outbox_texts(uow_factory, dealer.user_id)) == 1


def test_recording_a_confiscation_is_asked_first_and_undone_like_a_dismissal(
    severe, boss, dealer, uow_factory
):
    from datetime import date
    from decimal import Decimal

    from domain.catalog.model import DealerCode
    from domain.deposits.model import EntryKind, NewEntry

    with uow_factory() as uow:
        uow.deposits.append(
            NewEntry(
                DealerCode("D001"),
                EntryKind.PLEDGE,
                Decimal("8000"),
                date(2026, 1, 1),
                "",
                "opening",
                "import",
                "opening:D001",
            ),
            datetime(2026, 7, 1, tzinfo=UTC),
        )
        uow.commit()
    preview = boss.say("/violation 1 penalize 没收保证金 5000 窜货属实")
    assert "没收 D001 保证金 ¥5,000.00：余额 ¥8,000.00 → ¥3,000.00" in preview
    assert "瑞金医院" in preview
    assert status(uow_factory) == "open"
    assert "/undo 1" in boss.press("确认")
    assert status(uow_factory) == "penalized"
    assert "处罚" in outbox_texts(uow_factory, dealer.user_id)[-1]
    with uow_factory() as uow:
        assert uow.deposits.balance(DealerCode("D001")) == Decimal("3000.00")
    assert "违规 #1 已恢复为「待处理」" in boss.press("撤销")
    with uow_factory() as uow:  # the money goes back with the penalty
        assert uow.deposits.balance(DealerCode("D001")) == Decimal("8000.00")
    assert "处罚「没收保证金」已撤销" in outbox_texts(uow_factory, dealer.user_id)[-1]
    assert [a for a, _, _ in log(uow_factory, DecisionKind.VIOLATION_PENALTY)] == [
        Act.DECIDE,
        Act.UNDO,
    ]


def test_a_fine_is_recorded_at_once_with_nothing_to_undo(severe, boss, uow_factory):
    answer = boss.say("/violation 1 penalize 罚款 3000 窜货属实")
    assert "已处罚" in answer and "/undo" not in answer
    assert status(uow_factory) == "penalized"


def test_a_dismissal_undone_and_made_again_is_told_to_the_dealer_again(
    severe, boss, dealer, uow_factory, clock
):
    dismissed(boss)
    boss.press("撤销")
    clock.advance(minutes=1)
    dismissed(boss)
    told = outbox_texts(uow_factory, dealer.user_id)
    assert sum("公司的处理结果：已驳回" in text for text in told) == 2
