"""/staff [ROLE]: a manager lists the managers and staff codes within their scope, with
names, roles, regions and whether each is linked; roles typed in Chinese or English."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def conv(uow_factory, clock):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        for code, name, role, region in (
            ("M03", "赵工", "service_agent", "SC"),
            ("M04", "陈经理", "sales_manager", "SH"),
            ("M05", "周总监", "marketing_director", "CN"),
        ):
            row = ManagerRow(code=code, name=name, role=role)
            row.regions.append(
                ManagerRegionRow(region=s.query(RegionRow).filter_by(code=region).one())
            )
            s.add(row)
        uow.commit()
    return Conversation(uow_factory, clock)


def linked(conv, uow_factory, clock, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


def test_a_manager_lists_the_staff_of_their_regions_with_whether_each_is_linked(
    conv, uow_factory, clock
):
    boss = linked(conv, uow_factory, clock, "m1", manager="M01")
    answer = boss.say("/staff")
    assert "员工（4 人，其中 1 人已绑定机器人）" in answer
    assert "M01 王经理 · 销售经理 · 四川 (SC) · ✅ 已绑定" in answer
    assert "M02 李总 · 管理员 · 全部区域 · ⚠️ 未绑定" in answer
    assert "M03 赵工 · 售后专员 · 四川 (SC)" in answer
    assert "M05 周总监 · 营销总监 · 中国 (CN)" in answer  # over Sichuan
    assert "M04" not in answer and "陈经理" not in answer  # Shanghai: not in scope
    assert "dealerbot invite manager" in answer


@pytest.mark.parametrize("word", ["售后专员", "service_agent", "Service Agent"])
def test_a_role_is_accepted_in_chinese_or_english(conv, uow_factory, clock, word):
    boss = linked(conv, uow_factory, clock, "m1", manager="M01")
    answer = boss.say(f"/staff {word}")
    assert "M03 赵工" in answer and "M01" not in answer and "M02" not in answer


def test_an_admin_sees_everyone_and_an_unknown_role_lists_the_roles(conv, uow_factory, clock):
    admin = linked(conv, uow_factory, clock, "m2", manager="M02")
    assert "M04 陈经理 · 销售经理 · 上海 (SH)" in admin.say("/staff 销售经理")
    answer = admin.say("/staff 老板")
    assert "不认识角色“老板”" in answer and "营销总监" in answer and "区域总监" in answer


def test_in_english_roles_and_links_are_worded_in_english(conv, uow_factory, clock):
    boss = linked(conv, uow_factory, clock, "m1", manager="M01")
    boss.say("/lang en")
    answer = boss.say("/staff marketing director")
    assert "M05 周总监 · marketing director · 中国 (CN) · ⚠️ not linked" in answer


def test_a_dealer_may_not_list_staff(conv, uow_factory, clock):
    dealer = linked(conv, uow_factory, clock, "d1", dealer="D001")
    answer = dealer.say("/staff")
    assert "没有使用这个命令的权限（/staff）" in answer and "王经理" not in answer
