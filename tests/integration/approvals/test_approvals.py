"""Approvals and price exceptions through the conversation core, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from domain.approvals.model import Decision, RequestId, State
from domain.approvals.services import ApprovalRefused, decide
from handlers.approvals.people import approvers_of
from handlers.approvals.sla import run_approval_sla
from handlers.core.context import CoreOptions
from handlers.core.conversation import Conversation
from storage.models import ManagerRegionRow, ManagerRow, RegionRow, TerminalRow
from tests.support import Chat, invite, seed_catalog

THREE_STEPS = CoreOptions(
    approval_chains=(
        ("price_exception", ("regional_director", "sales_manager", "marketing_director")),
    )
)


def add_staff(uow_factory) -> None:
    """M05/M06: marketing directors of Sichuan/Shanghai; M07: regional director of Sichuan."""
    with uow_factory() as uow:
        s = uow.session
        regions = {r.code: r for r in s.query(RegionRow)}
        for code, name, role, region in (
            ("M05", "周总监", "marketing_director", "SC"),
            ("M06", "吴总监", "marketing_director", "SH"),
            ("M07", "郑总监", "regional_director", "SC"),
        ):
            m = ManagerRow(code=code, name=name, role=role)
            m.regions.append(ManagerRegionRow(region=regions[region]))
            s.add(m)
        uow.commit()


def world_with(uow_factory, clock, options: CoreOptions | None = None) -> dict[str, Chat]:
    seed_catalog(uow_factory)
    add_staff(uow_factory)
    conv = Conversation(uow_factory, clock, options)
    people = {}
    for user, kw in {
        "dealer1": {"dealer": "D001"},
        "boss_sc": {"manager": "M01"},
        "admin": {"manager": "M02"},
        "md_sc": {"manager": "M05"},
        "md_sh": {"manager": "M06"},
        "rd_sc": {"manager": "M07"},
    }.items():
        chat = Chat(conv, user)
        chat.say(f"/start {invite(uow_factory, clock, **kw)}")
        people[user] = chat
    return people


@pytest.fixture
def world(uow_factory, clock):
    return world_with(uow_factory, clock)


def request_exception(chat: Chat, args: str = "A100 2600 T-0001 10 2026-12-31 医院集采") -> str:
    preview = chat.say(f"/exception request {args}")
    assert "最低价 ¥3,000.00" in preview and "审批链" in preview
    return chat.press("确认发送")


def outbox_texts(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [i.payload["text"] for i in uow.outbox.list(limit=500) if i.chat_id == chat_id]


def test_preview_names_floor_gap_and_chain_and_the_director_is_told(world, uow_factory):
    preview = world["dealer1"].say("/exception request A100 2600 T-0001 10 2026-12-31 集采")
    assert "3,000.00" in preview and "400.00" in preview and "13.3%" in preview
    assert "营销总监" in preview and "管理员" not in preview
    assert "#1" in world["dealer1"].press("确认发送")
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "md_sc"))
    assert not any("待您审批" in t for t in outbox_texts(uow_factory, "md_sh"))


def test_a_gap_over_the_second_step_gap_adds_the_admin(world):
    preview = world["dealer1"].say("/exception request A100 2500 T-0001 集采")
    assert "营销总监 → 管理员" in preview


def test_bad_input_is_named(world):
    d = world["dealer1"]
    assert "Z999" in d.say("/exception request Z999 100 原因")
    assert "不低于最低价" in d.say("/exception request A100 3100 原因")
    assert "已经过去" in d.say("/exception request A100 2600 2026-01-01 原因")
    assert "abc" in d.say("/exception request A100 abc 原因")


def test_out_of_scope_and_self_and_wrong_role_are_refused_then_the_director_decides(
    world, uow_factory
):
    request_exception(world["dealer1"])
    assert "不在您负责的区域" in world["md_sh"].say("/approval 1 approve")
    assert "不是审批" in world["admin"].say("/approval 1 approve")
    assert "不能审批自己" in world["dealer1"].say("/approval 1 approve")
    assert "找不到审批" in world["md_sh"].say("/approval 99")
    done = world["md_sc"].say("/approval 1 approve 同意集采价")
    assert "已批准" in done and "周总监" in done and "同意集采价" in done
    assert not world["md_sc"].last[0].replaces_pressed  # typed, not pressed: a new message
    assert "价格例外 #" in done
    assert any("新进展" in t for t in outbox_texts(uow_factory, "dealer1"))
    late = world["md_sc"].say("/approval 1 reject 改主意")
    assert "已由 周总监 (M05)" in late and "处理" in late


def test_a_redelivered_press_takes_effect_once(world, uow_factory):
    request_exception(world["dealer1"])
    world["md_sc"].say("/approvals")
    payload = next(p for label, p in world["md_sc"].buttons() if "批准" in label)
    first = world["md_sc"].say(payload=payload, dedupe_key="press-1")
    [card] = world["md_sc"].last  # the pressed card becomes the decision, buttons gone
    assert card.replaces_pressed and not card.buttons and "已批准" in card.text
    again = world["md_sc"].say(payload=payload, dedupe_key="press-1")
    assert first == again and world["md_sc"].last[0].replaces_pressed
    with uow_factory() as uow:
        assert len(uow.approvals.decisions(RequestId(1))) == 1
        assert len(uow.price_exceptions.listed()) == 1


def test_two_approvers_pressing_at_once_make_one_decision(world, uow_factory, clock):
    request_exception(world["dealer1"])
    # Both approvers saw version 1 before either pressed (SQLite serializes writers, so the
    # presses themselves run one after the other on it; PostgreSQL lets them overlap).
    seen = []
    for _ in range(2):
        with uow_factory() as uow:
            seen.append(uow.approvals.get(RequestId(1)))
            actor = uow.identities.find("console", "md_sc")
    with uow_factory() as first:
        winner = decide(
            first.approvals,
            seen[0],
            actor=actor.label,
            approvers=approvers_of(first, actor, seen[0], clock.now().date()),
            decision=Decision.APPROVE,
            step=0,
            version=seen[0].version,
            reason="",
            now=clock.now(),
            dedupe_key="a",
        )
        first.commit()
    assert winner.request.state is State.APPROVED
    with uow_factory() as second:
        with pytest.raises(ApprovalRefused) as lost:
            decide(
                second.approvals,
                seen[1],
                actor=actor.label,
                approvers=approvers_of(second, actor, seen[1], clock.now().date()),
                decision=Decision.REJECT,
                step=0,
                version=seen[1].version,
                reason="太低",
                now=clock.now(),
                dedupe_key="b",
            )
        assert lost.value.last is not None and lost.value.last.decision is Decision.APPROVE
    with uow_factory() as uow:
        assert [d.decision for d in uow.approvals.decisions(RequestId(1))] == [Decision.APPROVE]


def test_reject_without_a_reason_asks_for_one(world, uow_factory):
    request_exception(world["dealer1"])
    world["md_sc"].say("/approvals")
    asked = world["md_sc"].press("驳回")
    assert "原因" in asked
    assert "原因" in world["md_sc"].say("/approval 1 reject")
    assert "已驳回" in world["md_sc"].say("价格低于集采指导价")
    with uow_factory() as uow:
        assert uow.approvals.get(RequestId(1)).state is State.REJECTED
        assert uow.approvals.last_decision(RequestId(1)).reason == "价格低于集采指导价"


def test_a_return_is_resubmitted_or_withdrawn_by_the_requester(world):
    request_exception(world["dealer1"])
    assert "退回修改" in world["md_sc"].say("/approval 1 return 请补充中标通知")
    assert "只有申请人" in world["md_sc"].say("/approval 1 withdraw")
    assert "待审批" in world["dealer1"].say("/approval 1 resubmit")
    assert "已撤回" in world["dealer1"].say("/approval 1 withdraw")


def test_a_three_step_chain_is_decided_in_order(uow_factory, clock):
    world = world_with(uow_factory, clock, THREE_STEPS)
    request_exception(world["dealer1"])
    assert "还没有轮到您" in world["md_sc"].say("/approval 1 approve")
    assert "没有等待您审批" in world["md_sc"].say("/approvals")
    assert "第 2/3 步" in world["rd_sc"].say("/approval 1 approve")
    assert "第 3/3 步" in world["boss_sc"].say("/approval 1 approve")
    assert "待您审批" in world["md_sc"].say("/approvals")
    assert "已批准" in world["md_sc"].say("/approval 1 approve")
    history = world["dealer1"].say("/approval 1")
    assert history.count("批准：") == 3


def test_a_stand_in_decides_and_is_recorded_as_such(world, uow_factory):
    request_exception(world["dealer1"])
    assert "不是审批" in world["boss_sc"].say("/approval 1 approve")
    assert "代 M05 审批" in world["md_sc"].say("/delegate M01 2026-07-01 2026-07-31")
    done = world["boss_sc"].say("/approval 1 approve")
    assert "（代 M05）" in done
    with uow_factory() as uow:
        assert uow.approvals.last_decision(RequestId(1)).for_manager == "M05"


def test_undecided_steps_are_reminded_escalated_then_expired(world, uow_factory, clock):
    request_exception(world["dealer1"])
    options = CoreOptions()
    for hours, expected in ((30, 0), (6, 1), (1, 0), (12, 1), (1, 0), (48, 1)):
        clock.advance(hours=hours)
        with uow_factory() as uow:
            assert run_approval_sla(uow, clock.now(), options) == expected, hours
            uow.commit()
    assert any("即将超过" in t for t in outbox_texts(uow_factory, "md_sc"))
    assert any("超时升级" in t for t in outbox_texts(uow_factory, "admin"))
    assert any("已过期" in t for t in outbox_texts(uow_factory, "dealer1"))
    with uow_factory() as uow:
        assert uow.approvals.get(RequestId(1)).state is State.EXPIRED


def test_many_reminders_of_one_run_reach_an_approver_as_one_message(world, uow_factory, clock):
    for n in range(12):
        request_exception(world["dealer1"], f"A100 {2600 + n} T-0001 5 2026-12-31 集采")
    clock.advance(hours=36)
    with uow_factory() as uow:
        assert run_approval_sla(uow, clock.now(), CoreOptions()) == 1  # md_sc, once
        uow.commit()
    with uow_factory() as uow:  # a second scheduler's run: every request already reminded
        assert run_approval_sla(uow, clock.now(), CoreOptions()) == 0
        uow.commit()
    reminders = [t for t in outbox_texts(uow_factory, "md_sc") if "即将超过" in t]
    assert len(reminders) == 1
    assert "12 项申请即将超过审批时限" in reminders[0] and "/approvals" in reminders[0]


def test_approvals_come_a_page_at_a_time(world):
    for n in range(25):
        request_exception(world["dealer1"], f"A100 {2600 + n} T-0001 5 2026-12-31 集采")
    md = world["md_sc"]
    first = md.send("/approvals")
    assert len(first) == 22 and "第 1/2 页，共 25 条" in first[-1].text  # title, 20, footer
    assert ("第 2 页 ▶", "c:approvals page:2") in md.buttons()
    second = md.send(payload="c:approvals page:2")
    assert len(second) == 7 and "第 2/2 页" in second[-1].text  # title, the last 5, footer
    assert ("◀ 第 1 页", "c:approvals page:1") in md.buttons()


def test_the_price_check_honours_an_exception_until_its_quantity_is_sold(world):
    request_exception(world["dealer1"], "A100 2600 T-0001 5 2026-12-31 集采")
    world["md_sc"].say("/approval 1 approve")
    first = world["dealer1"].say("/report A100 3 2600 T-0001")
    assert "依据价格例外 #1" in first and "违反" not in first
    # Past the cap the floor applies again: 13.3% under it is asked about, then a violation.
    assert "确定吗" in world["dealer1"].say("/report A100 3 2600 T-0001")
    over = world["dealer1"].press("确定")
    assert "依据价格例外" not in over and "低于" in over
    assert "已用 3/5" in world["md_sc"].say("/exceptions D001")


def test_an_exception_asked_for_one_terminal_covers_sales_there_only(world, uow_factory):
    with uow_factory() as uow:  # a second hospital in the dealer's own region
        sc = uow.session.query(RegionRow).filter_by(code="SC").one()
        uow.session.add(TerminalRow(code="T-0003", name="省人民医院", region=sc))
        uow.commit()
    request_exception(world["dealer1"], "A100 2600 T-0001 5 2026-12-31 集采")
    world["md_sc"].say("/approval 1 approve")
    assert "确定吗" in world["dealer1"].say("/report A100 1 2600 T-0003")
    elsewhere = world["dealer1"].press("确定")
    assert "依据价格例外" not in elsewhere and "低于" in elsewhere
    assert "依据价格例外 #1" in world["dealer1"].say("/report A100 1 2600 T-0001")


def test_the_floor_applies_again_after_the_date_or_a_revoke(world, clock):
    request_exception(world["dealer1"], "A100 2600 T-0001 2026-07-20 集采")
    world["md_sc"].say("/approval 1 approve")
    assert "依据价格例外 #1" in world["dealer1"].say("/report A100 1 2600 T-0001")
    assert "生效中" in world["md_sc"].say("/exceptions")
    assert "需要原因" in world["boss_sc"].say("/exception 1 revoke")
    assert "已撤销" in world["boss_sc"].say("/exception 1 revoke 集采结束")
    assert "确定吗" in world["dealer1"].say("/report A100 1 2600 T-0001")
    after = world["dealer1"].press("确定")
    assert "依据价格例外" not in after and "低于" in after
    assert "已经撤销" in world["boss_sc"].say("/exception 1 revoke 再次")


def test_an_exception_past_its_date_no_longer_covers(world, clock):
    request_exception(world["dealer1"], "A100 2600 T-0001 2026-07-20 集采")
    world["md_sc"].say("/approval 1 approve")
    clock.advance(days=4)
    assert "确定吗" in world["dealer1"].say("/report A100 1 2600 T-0001")
    after = world["dealer1"].press("确定")
    assert "依据价格例外" not in after and "低于" in after


def test_a_managers_grant_is_confirmed_then_listed_and_revocable(world):
    preview = world["boss_sc"].say("/exception A100 2800 D001")
    assert "请确认" in preview and "3,000.00" in preview and "D001" in preview
    assert "价格例外 #1" in world["boss_sc"].press("确认")
    assert "#1" in world["boss_sc"].say("/exceptions active")
    assert "已撤销" in world["boss_sc"].say("/exception 1 revoke 录错")


def test_the_dealers_price_reply_shows_their_exceptions(world):
    request_exception(world["dealer1"], "A100 2600 T-0001 5 2026-12-31 集采")
    world["md_sc"].say("/approval 1 approve")
    shown = world["dealer1"].say("/price A100")
    assert "#1 例外价 ¥2,600.00" in shown and "剩余 5 台" in shown
    assert "例外价" not in world["boss_sc"].say("/price A100")


def test_the_marketing_director_exports_every_decision_as_a_workbook(world):
    request_exception(world["dealer1"], "A100 2600 T-0001 5 2026-12-31 集采")
    world["md_sc"].say("/approval 1 approve 同意")
    world["md_sc"].say("/export approvals")
    [sheet] = [r.document for r in world["md_sc"].last if r.document is not None]
    assert sheet.filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and "同意" in [str(c) for c in rows[1]]
