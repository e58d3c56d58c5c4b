"""Fee budgets, requests, claims with proof and payment through chat, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import RegionCode
from handlers.core.context import CoreOptions
from handlers.core.jobs import run_job
from handlers.core.messages import Attachment
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.integration.approvals.test_approvals import outbox_texts, world_with
from tests.integration.catalog.test_imports import quiet, write
from tests.support import JOBS, Chat, invite

PNG = b"\x89PNG\r\n\x1a\n"


def photo(n: int) -> Attachment:
    return Attachment(f"p{n}.jpg", PNG + bytes([n]) * 40, "image/jpeg")


def invoice(n: int) -> Attachment:
    return Attachment(f"inv{n}.pdf", b"%PDF-1.4 invoice " + bytes([n]) * 40, "application/pdf")


def add_marketing_admin(uow_factory, clock, conv) -> Chat:
    with uow_factory() as uow:
        sc = uow.session.query(RegionRow).filter_by(code="SC").one()
        m = ManagerRow(code="M08", name="钱专员", role="marketing_admin")
        m.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(m)
        uow.commit()
    chat = Chat(conv, "ma_sc")
    chat.say(f"/start {invite(uow_factory, clock, manager='M08')}")
    return chat


@pytest.fixture
def world(uow_factory, clock):
    people = world_with(uow_factory, clock)
    conv = people["dealer1"].conversation
    people["ma_sc"] = add_marketing_admin(uow_factory, clock, conv)
    people["admin"].say("/budget set 2026-Q3 SC 100000")
    return people


def request_fee(chat: Chat, amount: str = "20000", dates: str = "2026-07-20 2026-07-22") -> str:
    assert "活动类型" in chat.say("/fee request")
    chat.say(payload=next(p for label, p in chat.buttons() if label == "展会"))
    chat.say("-")
    chat.say(dates)
    chat.say("成都会展中心")
    chat.say("西部医疗器械展，标准展位两个")
    asked = chat.say("获取 30 个终端线索")
    assert "剩余" in asked, asked
    preview = chat.say(amount)
    return preview + "\n" + chat.press("确认发送")


def budget_text(chat: Chat) -> str:
    return chat.say("/budget 2026-Q3")


def move_to(clock, day: int) -> None:
    """Days after the clock's start, 2026-07-17."""
    clock._at = clock._at + timedelta(days=day)


def claim(chat: Chat, actual: str, photos=3, invoices=1, first=1, request="1") -> str:
    chat.say(f"/fee claim {request}")
    chat.say(actual)
    for n in range(first, first + photos):
        chat.send(file=photo(n))
    chat.say("完成")
    for n in range(first, first + invoices):
        chat.send(file=invoice(n))
    chat.say("完成")
    chat.say("到场 300 人，签约 5 家")
    return chat.press("确认发送")


def test_a_request_within_budget_goes_to_the_sales_manager_and_approval_commits_it(
    world, uow_factory
):
    sent = request_fee(world["dealer1"])
    assert "剩余 ¥100,000.00" in sent and "#1 已提交" in sent and "销售经理" in sent
    assert "营销总监" not in sent  # under second_step_amount
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "boss_sc"))
    assert "已承诺 ¥0.00" in budget_text(world["admin"])
    done = world["boss_sc"].say("/approval 1 approve")
    assert "已计入预算承诺" in done
    text = budget_text(world["admin"])
    assert "已承诺 ¥20,000.00" in text and "剩余 ¥80,000.00" in text


def test_a_request_over_the_budget_left_is_refused_naming_what_is_left(world):
    d = world["dealer1"]
    request_fee(d, "60000")
    world["boss_sc"].say("/approval 1 approve")
    world["md_sc"].say("/approval 1 approve")  # above second_step_amount: the director too
    d.say("/fee request")
    d.say("1")
    for answer in ("-", "2026-08-01", "展馆", "方案方案", "效果效果"):
        d.say(answer)
    refused = d.say("50000")
    assert "超出预算" in refused and "¥40,000.00" in refused
    assert "不超过剩余预算" in refused


def test_over_budget_is_routed_to_the_director_when_configured(uow_factory, clock):
    people = world_with(uow_factory, clock, CoreOptions(fee_over_budget="route"))
    people["admin"].say("/budget set 2026-Q3 SC 1000")
    sent = request_fee(people["dealer1"], "5000")
    assert "超出预算" in sent and "销售经理 → 营销总监" in sent


def test_above_the_second_step_amount_the_marketing_director_signs_too(world):
    sent = request_fee(world["dealer1"], "60000")
    assert "销售经理 → 营销总监" in sent


def test_claim_with_missing_proof_is_refused_naming_what_is_missing(world, clock):
    d = world["dealer1"]
    request_fee(d)
    world["boss_sc"].say("/approval 1 approve")
    assert "结束后才能报销" in d.say("/fee claim 1")
    move_to(clock, 6)
    d.say("/fee claim 1")
    d.say("15000")
    d.send(file=photo(1))
    refused = d.say("完成")
    assert "还缺 2 张活动照片" in refused
    d.send(file=photo(2))
    d.send(file=photo(3))
    d.say("完成")
    assert "还缺 1 张发票" in d.say("完成")
    assert "不是图片或 PDF" in d.say(file=Attachment("notes.txt", b"hello", "text/plain"))
    big = Attachment("scan.jpg", b"\xff" * (5 * 2**20 + 1), "image/jpeg")
    assert "超过 5 MB" in d.say(file=big)
    assert "已经发送过了" in d.say(file=photo(1))


def test_an_over_approved_claim_is_capped_with_the_difference_and_proof_reaches_the_reviewer(
    world, uow_factory, clock
):
    d = world["dealer1"]
    request_fee(d)
    world["boss_sc"].say("/approval 1 approve")
    move_to(clock, 6)
    filed = claim(d, "23456.78")
    assert "C1 已提交" in filed and "¥20,000.00" in filed
    assert "超出批准金额 ¥3,456.78" in filed and "材料已冻结" in filed
    with uow_factory() as uow:
        items = [i.payload for i in uow.outbox.list(limit=500) if i.chat_id == "boss_sc"]
    images = [p for p in items if "image" in p]
    documents = [p for p in items if "document" in p]
    assert len(images) == 3 and len(documents) == 1
    shown = world["boss_sc"].send("/fee 1")
    assert "实际花费 ¥23,456.78" in shown[0].text
    assert sum(1 for r in shown if r.image or r.document) == 4


def test_returned_for_more_proof_then_resubmitted_and_paid(world, uow_factory, clock):
    d = world["dealer1"]
    request_fee(d)
    world["boss_sc"].say("/approval 1 approve")
    move_to(clock, 6)
    claim(d, "18000")
    assert "材料已冻结" in d.say("/fee claim 1")  # submitted: no edit
    world["boss_sc"].say("/approval 2 return 发票不清楚")
    assert "补充材料" in d.say("/fees")
    assert "/fee claim 1" in d.say("/approval 2 resubmit")  # unchanged: refused
    again = claim(d, "18000", photos=3, invoices=2, first=10)
    assert "C1 已提交" in again
    approved = world["boss_sc"].say("/approval 2 approve")
    assert "营销管理部" in approved
    refused = world["ma_sc"].say("/approval 2 approve")
    assert "流水号" in refused
    with uow_factory() as uow:
        assert uow.fees.claim(1).state.value == "reviewed"
    paid = world["ma_sc"].say("/fee 1 paid TX-2026-0815")
    assert "已记录付款 ¥18,000.00" in paid and "TX-2026-0815" in paid
    with uow_factory() as uow:
        c = uow.fees.claim(1)
        assert c.state.value == "paid" and c.payment_ref == "TX-2026-0815"
        assert len(c.proofs) == 5
    assert "已支出 ¥18,000.00" in budget_text(world["admin"])
    assert "材料已冻结" in d.say("/fee claim 1")


def test_a_credit_note_instead_of_a_transfer(world, clock):
    d = world["dealer1"]
    request_fee(d)
    world["boss_sc"].say("/approval 1 approve")
    move_to(clock, 6)
    claim(d, "1000")
    world["boss_sc"].say("/approval 2 approve")
    credited = world["ma_sc"].say("/fee 1 credit 下次订单冲抵")
    assert "冲抵下次订单" in credited


def test_the_same_invoice_on_two_claims_is_flagged(world, uow_factory, clock):
    d = world["dealer1"]
    request_fee(d, "10000")
    request_fee(d, "10000", dates="2026-07-21 2026-07-22")
    world["boss_sc"].say("/approval 1 approve")
    world["boss_sc"].say("/approval 2 approve")
    move_to(clock, 6)
    claim(d, "5000", request="1")
    second = claim(d, "5000", request="2", first=1)
    assert "与其他报销相同" in second
    shown = world["boss_sc"].say("/fee 2")
    assert "也用于报销 C1" in shown


def test_claims_after_the_deadline_and_on_unapproved_requests_are_refused(world, clock):
    d = world["dealer1"]
    request_fee(d)
    assert "只有已批准的申请可以报销" in d.say("/fee claim 1")
    world["boss_sc"].say("/approval 1 approve")
    move_to(clock, 5 + 31)
    assert "报销期限" in d.say("/fee claim 1") and "已过" in d.say("/fee claim 1")
    assert "找不到费用申请" in d.say("/fee claim 99")


def test_the_claim_reminder_goes_once_before_the_deadline(world, uow_factory, clock):
    d = world["dealer1"]
    request_fee(d)
    world["boss_sc"].say("/approval 1 approve")

    def run():
        run_job(JOBS, uow_factory, clock, CoreOptions(), "fee_claim_reminder", clock.now())

    run()
    assert not [t for t in outbox_texts(uow_factory, "dealer1") if "报销期限是" in t]
    move_to(clock, 5 + 25)
    run()
    run()
    told = [t for t in outbox_texts(uow_factory, "dealer1") if "报销期限是" in t]
    assert len(told) == 1 and "/fee claim 1" in told[0]


def test_budget_alerts_at_80_and_100_percent_go_once_each(world, uow_factory, clock):
    d = world["dealer1"]

    def run():
        clock._at += timedelta(hours=1)  # each run its own occasion, as the scheduler's
        run_job(JOBS, uow_factory, clock, CoreOptions(), "fee_budget_alerts", clock.now())

    def alerts():
        return [t for t in outbox_texts(uow_factory, "boss_sc") if "预算已承诺" in t]

    request_fee(d, "45000")
    world["boss_sc"].say("/approval 1 approve")
    run()
    assert alerts() == []
    request_fee(d, "40000")
    world["boss_sc"].say("/approval 2 approve")
    run()
    run()
    assert len(alerts()) == 1 and "80%" in alerts()[0]
    request_fee(d, "15000")
    world["boss_sc"].say("/approval 3 approve")
    run()
    run()
    assert sorted(a.split("\n")[0] for a in alerts()) == [
        "费用预算已承诺 100%：",
        "费用预算已承诺 80%：",
    ]


def test_dealer_and_manager_lists_and_the_export(world, uow_factory, clock):
    d = world["dealer1"]
    request_fee(d)
    listed = d.say("/fees")
    assert "#1 D001 展会 ¥20,000.00" in listed and "等待审批" in listed
    assert "#1 D001" in world["boss_sc"].say("/fees open")
    assert "#1 D001" in world["boss_sc"].say("/fees SC")
    assert "#1 D001" in world["boss_sc"].say("/fees D001")
    assert "没有费用申请" in world["boss_sc"].say("/fees D002") or "D002" in world["boss_sc"].say(
        "/fees D002"
    )
    world["boss_sc"].say("/approval 1 approve")
    assert "没有费用申请" in world["boss_sc"].say("/fees open")
    move_to(clock, 6)
    claim(d, "12000")
    reply = world["boss_sc"].send("/export fees 2026-Q3")
    doc = next(r.document for r in reply if r.document)
    sheet = load_workbook(io.BytesIO(doc.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("申请编号", "经销商", "区域")
    assert rows[1][0] == 1 and Decimal(str(rows[1][7])) == Decimal("20000")
    assert Decimal(str(rows[1][8])) == Decimal("12000") and rows[1][10] == 4


def test_only_admins_set_budgets_and_a_set_budget_is_listed(world, uow_factory):
    assert "没有使用这个命令的权限" in world["boss_sc"].say("/budget set 2026-Q3 SC 1")
    assert "剩余 ¥100,000.00" in world["boss_sc"].say("/budget")
    assert "预算已更新" in world["admin"].say("/budget set 2026-Q3 SC 120000")
    assert "找不到区域 XX" in world["admin"].say("/budget set 2026-Q3 XX 1")
    assert "不是期间" in world["admin"].say("/budget 2026-13x")
    with uow_factory() as uow:
        amounts = [b.amount for b in uow.fees.budgets("2026-Q3") if b.region == RegionCode("SC")]
    assert amounts == [Decimal("120000.00")]


def test_importing_budgets_sets_them_once_and_names_unknown_references(
    world, uow_factory, tmp_path
):
    rows = [
        ["period", "region_code", "line", "promotion_id", "amount"],
        ["2026-Q3", "SC", "", "", "150000"],
        ["2026-Q3", "SC", "IMG", "", "30000"],
        ["2026", "SH", "", "", "500000"],
    ]
    path = write(tmp_path, "budgets", rows, "csv")
    first = run_import(uow_factory, ImportKind.BUDGETS, path, quiet())
    assert first.ok, [describe(e, ImportKind.BUDGETS) for e in first.errors]
    assert (first.created, first.updated) == (2, 1)  # SC's quarter was set in chat
    again = run_import(uow_factory, ImportKind.BUDGETS, path, quiet())
    assert again.unchanged == 3
    assert "剩余 ¥150,000.00" in world["admin"].say("/budget 2026-Q3")
    bad = [
        ["period", "region_code", "line", "promotion_id", "amount"],
        ["2026-Q3", "XX", "", "", "1"],
        ["2026-Q3", "SC", "NOPE", "", "1"],
        ["2026-Q3", "SC", "", "99", "1"],
    ]
    result = run_import(uow_factory, ImportKind.BUDGETS, write(tmp_path, "b2", bad, "csv"), quiet())
    problems = [describe(e, ImportKind.BUDGETS) for e in result.errors]
    assert any("row 2" in p and "XX" in p for p in problems), problems
    assert any("row 3" in p and "NOPE" in p for p in problems), problems
    assert any("row 4" in p and "promotion" in p for p in problems), problems


def test_two_schedulers_running_the_fee_jobs_at_once_send_each_message_once(
    world, uow_factory, clock
):
    d = world["dealer1"]
    request_fee(d, "85000")
    world["boss_sc"].say("/approval 1 approve")
    world["md_sc"].say("/approval 1 approve")
    move_to(clock, 5 + 25)
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        for job in ("fee_budget_alerts", "fee_claim_reminder"):
            run_job(JOBS, uow_factory, clock, CoreOptions(), job, clock.now())

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([t for t in outbox_texts(uow_factory, "boss_sc") if "预算已承诺 80%" in t]) == 1
    assert len([t for t in outbox_texts(uow_factory, "dealer1") if "报销期限是" in t]) == 1


def test_the_request_and_claim_read_in_english(world, clock):
    d = world["dealer1"]
    d.say("/lang en")
    assert "what kind of activity" in d.say("/fee request")
    d.say("Exhibition")
    d.say("-")
    d.say("2026-07-20 2026-07-21")
    d.say("Chengdu expo centre")
    d.say("two standard booths")
    assert "Budget 2026-Q3 SC" in d.say("30 leads")
    assert "Please confirm the fee request" in d.say("1000")
    assert "Fee request #1 sent" in d.press("Send")
    world["boss_sc"].say("/approval 1 approve")
    move_to(clock, 6)
    d.say("/fee claim 1")
    d.say("900")
    d.send(file=photo(1))
    assert "Proof missing: 2 activity photo(s) still needed" in d.say("done")
    listed = d.say("/fees")
    assert "Next: claim by" in listed and "/fee claim 1" in listed
