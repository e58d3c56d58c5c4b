"""Contract renewal and termination through chat and the contract_expiry job, on SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from domain.catalog.model import DealerCode
from handlers.core.context import CoreOptions
from handlers.core.jobs import run_job
from storage.models import (
    ContractRenewalRow,
    ContractRow,
    DealerRow,
    ManagerRegionRow,
    ManagerRow,
    RegionRow,
    ScorecardRow,
)
from tests.integration.approvals.test_approvals import outbox_texts, world_with
from tests.support import JOBS, Chat, invite

D1 = DealerCode("D001")


def add_contract(uow_factory) -> None:
    """D001's contract ends 2026-08-09, 23 days after the clock's day."""
    with uow_factory() as uow:
        dealer = uow.session.scalar(select(DealerRow).where(DealerRow.code == "D001"))
        uow.session.add(
            ContractRow(
                dealer_id=dealer.id,
                start=date(2025, 8, 10),
                end=date(2026, 8, 9),
                annual_target=Decimal("1000000"),
                deposit=Decimal("50000"),
                franchise_fee=Decimal("8000"),
            )
        )
        uow.commit()


@pytest.fixture
def world(uow_factory, clock):
    people = world_with(uow_factory, clock)
    add_contract(uow_factory)
    with uow_factory() as uow:  # M08: a sales manager of Shanghai, not of D001
        sh = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SH"))
        m = ManagerRow(code="M08", name="孙经理", role="sales_manager")
        m.regions.append(ManagerRegionRow(region=sh))
        uow.session.add(m)
        uow.commit()
    chat = Chat(people["dealer1"].conversation, "sm_sh")
    chat.say(f"/start {invite(uow_factory, clock, manager='M08')}")
    people["sm_sh"] = chat
    return people


def expiry(uow_factory, clock):
    occasion = datetime(2026, 7, 17, 0, 0, tzinfo=UTC)
    return run_job(JOBS, uow_factory, clock, CoreOptions(), "contract_expiry", occasion)


def renewals(uow_factory) -> list[SimpleNamespace]:
    columns = [c.name for c in ContractRenewalRow.__table__.columns]
    with uow_factory() as uow:
        rows = uow.session.scalars(select(ContractRenewalRow).order_by(ContractRenewalRow.id))
        return [SimpleNamespace(**{c: getattr(r, c) for c in columns}) for r in rows]


def dealer_buttons(uow_factory) -> dict[str, str]:
    """The buttons of the dealer's messages, the latest winning."""
    with uow_factory() as uow:
        items = sorted(
            (i for i in uow.outbox.list(limit=500) if i.chat_id == "dealer1"), key=lambda i: i.id
        )
    return {
        label: payload
        for i in items
        for row in i.payload.get("buttons") or []
        for label, payload in row
    }


def test_the_job_opens_one_renewal_and_tells_the_sales_manager_the_prefilled_term(
    world, uow_factory, clock
):
    assert expiry(uow_factory, clock).messages >= 2
    again = expiry(uow_factory, clock)
    later = datetime(2026, 7, 18, 0, 0, tzinfo=UTC)
    run_job(JOBS, uow_factory, clock, CoreOptions(), "contract_expiry", later)
    assert again.messages == 0
    [row] = renewals(uow_factory)
    assert (row.dealer_code, row.contract_end, row.state) == ("D001", date(2026, 8, 9), "open")
    [told] = [t for t in outbox_texts(uow_factory, "boss_sc") if "/renewal D001" in t]
    assert "2026年8月10日" in told and "2027年8月9日" in told and "1,300,000.00" in told
    assert not any("/renewal" in t for t in outbox_texts(uow_factory, "md_sc"))


def publish_card(uow_factory, state: str, period: str, consequences: list[str]) -> None:
    with uow_factory() as uow:
        uow.session.add(
            ScorecardRow(
                dealer_code="D001",
                period=period,
                scores=[],
                total=Decimal("58.00"),
                grade="D",
                consequences=consequences,
                tier="A",
                state=state,
                created_at=datetime(2026, 7, 5, tzinfo=UTC),
            )
        )
        uow.commit()


def test_the_last_published_evaluation_sets_the_term_rebid_and_review(world, uow_factory, clock):
    publish_card(uow_factory, "published", "2026-Q1", ["warning"])
    publish_card(uow_factory, "published", "2026-Q2", ["rebid_new_part", "renewal_review"])
    publish_card(uow_factory, "draft", "2026-Q3", [])  # not signed off: not read
    expiry(uow_factory, clock)
    [told] = [t for t in outbox_texts(uow_factory, "boss_sc") if "/renewal D001" in t]
    # 新增部分重新招标: the 30 % increase is tendered anew, the target keeps this year's
    assert "1,000,000.00" in told and "1,300,000.00" not in told
    assert "2026-Q2 考核：新增部分重新招标" in told and "2026-Q2 考核要求续约前复核" in told
    proposed = world["boss_sc"].say("/renewal D001")
    assert "1,000,000.00" in proposed and "续约前复核" in proposed


def test_renewal_confirmed_and_approved_stores_the_new_contract_shown_by_contract(
    world, uow_factory, clock
):
    expiry(uow_factory, clock)
    proposed = world["boss_sc"].say("/renewal D001")
    assert "2026年8月10日" in proposed and "1,300,000.00" in proposed and "1 位联系人" in proposed
    assert "待经销商确认" in world["dealer1"].say("/contract")
    confirmed = world["dealer1"].say(payload=dealer_buttons(uow_factory)["确认续签"])
    assert "#1" in confirmed and "[销售经理] → 营销总监" in confirmed
    assert "审批中" in world["dealer1"].say("/contract")
    world["boss_sc"].say("/approval 1 approve")
    with uow_factory() as uow:
        assert len(uow.catalog.contracts(D1)) == 1  # not yet: one step left
    done = world["md_sc"].say("/approval 1 approve 同意续签")
    assert "新合同已生效入库" in done
    with uow_factory() as uow:
        [old, new] = uow.catalog.contracts(D1)
    assert (new.start, new.end, new.annual_target) == (
        date(2026, 8, 10),
        date(2027, 8, 9),
        Decimal("1300000.00"),
    )
    assert (new.deposit, new.franchise_fee) == (old.deposit, old.franchise_fee)
    shown = world["dealer1"].say("/contract")
    assert "下一期合同：2026年8月10日 至 2027年8月9日" in shown and "还有 23 天到期" in shown
    assert "保证金要求 ¥50,000.00" in shown and "加盟费 ¥8,000.00" in shown
    assert any("续签已批准" in t for t in outbox_texts(uow_factory, "dealer1"))
    assert "合同有效期" in world["dealer1"].say("合同什么时候到期？")


def test_terms_typed_by_the_manager_are_proposed_and_bad_ones_named(world, uow_factory):
    boss = world["boss_sc"]
    assert "之后开始" in boss.say("/renewal D001 2026-08-01 2027-07-31 1200000")
    assert "不是日期" in boss.say("/renewal D001 2026/8/10 2027-08-09 1200000")
    assert "¥1,200,000.00" in boss.say("/renewal D001 2026-08-10 2027-08-09 1200000")
    assert renewals(uow_factory)[0].annual_target == Decimal("1200000.00")


def test_the_dealer_asking_to_discuss_tells_the_manager(world, uow_factory):
    world["boss_sc"].say("/renewal D001")
    sent = world["dealer1"].say(payload=dealer_buttons(uow_factory)["需要沟通"])
    assert "希望沟通" in sent
    assert any("希望沟通" in t for t in outbox_texts(uow_factory, "boss_sc"))
    assert "经销商要求沟通" in world["dealer1"].say("/contract")
    assert "不需要您再确认" in world["dealer1"].say("/renewal confirm 1")


def test_termination_is_confirmed_first_then_recorded_and_told(world, uow_factory, clock):
    boss = world["boss_sc"]
    assert "需要写明原因" in boss.say("/renewal D001 terminate")
    preview = boss.say("/renewal D001 终止 连续两年未完成任务")
    assert "2026年8月9日" in preview and "连续两年未完成任务" in preview
    assert renewals(uow_factory)[0].state == "open"
    done = boss.press("确认")
    assert "已记录 D001 的终止通知" in done
    [row] = renewals(uow_factory)
    assert (row.state, row.notice_on) == ("terminated", date(2026, 7, 17))
    told = [t for t in outbox_texts(uow_factory, "dealer1") if "不再续签" in t]
    assert told and "连续两年未完成任务" in told[0]
    assert "已于 2026年7月17日 发出终止通知" in world["dealer1"].say("/contract")
    assert "不能再提出条件" in boss.say("/renewal D001")
    with uow_factory() as uow:
        actions = [e.action for e in uow.audit.recent(50)]
    assert "contract.terminate" in actions


def test_an_out_of_scope_manager_is_refused(world, uow_factory):
    assert "不在您的管辖范围内" in world["sm_sh"].say("/renewal D001")
    assert "不在您的管辖范围内" in world["sm_sh"].say("/contract D001")
    assert "没有使用这个命令的权限" in world["md_sc"].say("/renewal D001")
    assert renewals(uow_factory) == []
    shown = world["boss_sc"].say("/contract D001")
    assert "D001 华西医疗 的合同" in shown and "年度指标 ¥1,000,000.00" in shown


def test_two_openings_of_the_same_contract_find_one_renewal(world, uow_factory, clock):
    with uow_factory() as first, uow_factory() as second:
        a = first.renewals.open(D1, date(2026, 8, 9), clock.now())
        first.commit()
        b = second.renewals.open(D1, date(2026, 8, 9), clock.now() + timedelta(seconds=1))
        second.commit()
    assert a.id == b.id
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ContractRenewalRow)) == 1


def test_two_schedulers_running_the_job_at_once_open_one_renewal_and_one_prompt(
    world, uow_factory, clock
):
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        expiry(uow_factory, clock)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(renewals(uow_factory)) == 1
    assert len([t for t in outbox_texts(uow_factory, "boss_sc") if "/renewal D001" in t]) == 1


def test_a_rejected_renewal_stores_nothing_and_may_be_proposed_again(world, uow_factory):
    world["boss_sc"].say("/renewal D001")
    world["dealer1"].say(payload=dealer_buttons(uow_factory)["确认续签"])
    world["boss_sc"].say("/approval 1 approve")
    world["md_sc"].say("/approval 1 reject 指标偏低")
    with uow_factory() as uow:
        assert len(uow.catalog.contracts(D1)) == 1
    assert "未获批准" in world["dealer1"].say("/contract")
    told = [t for t in outbox_texts(uow_factory, "boss_sc") if "续签未通过" in t]
    assert len(told) == 1 and "指标偏低" in told[0]
    again = world["boss_sc"].say("/renewal D001 2026-08-10 2027-08-09 1500000")
    assert "¥1,500,000.00" in again
    assert renewals(uow_factory)[0].state == "proposed"


def test_a_press_on_replaced_terms_is_refused_and_the_latest_card_confirms(world, uow_factory):
    world["boss_sc"].say("/renewal D001")
    old = dealer_buttons(uow_factory)["确认续签"]
    world["boss_sc"].say("/renewal D001 2026-08-10 2027-08-09 1200000")
    new = dealer_buttons(uow_factory)["确认续签"]
    assert old != new
    assert "已被新的条件取代" in world["dealer1"].say(payload=old)
    assert "审批 #1" in world["dealer1"].say(payload=new)
