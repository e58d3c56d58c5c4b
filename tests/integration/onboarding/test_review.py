"""Rejection at each step, return and resubmission, the out-of-scope reviewer, bad input
named, the duplicate guard and a filing that fails midway, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from domain.catalog.model import DealerCode
from handlers.core.context import CoreOptions
from handlers.core.messages import Attachment, Inbound
from storage.models import (
    ApplicationRow,
    AuthorizationRow,
    ChatIdentityRow,
    ContractRow,
    DealerRow,
    RegionRow,
)
from tests.integration.approvals.test_approvals import outbox_texts
from tests.integration.onboarding.world import (
    ANSWERS,
    LICENCE,
    apply,
    fill_form,
    make_world,
    terms,
    visit,
)
from tests.support import Chat


@pytest.fixture
def world(uow_factory, clock):
    return make_world(uow_factory, clock)


def application_state(uow_factory) -> str:
    with uow_factory() as uow:
        return uow.session.scalar(select(ApplicationRow.state))


def accept_terms(uow_factory, chat: Chat) -> str:
    with uow_factory() as uow:
        items = [i for i in uow.outbox.list(limit=500) if i.chat_id == chat.user_id]
    [payload] = [
        p
        for i in items
        for row in i.payload.get("buttons") or []
        for label, p in row
        if label == "确认合同条款"
    ][-1:]
    return chat.say(payload=payload)


def walk_to(world, uow_factory, step: int) -> None:
    """Take application 1 through the steps before `step` (0-based)."""
    if step > 0:
        visit(world["rd"])
        world["rd"].say("/approval 1 approve")
    if step > 1:
        world["plm"].say("/approval 1 approve")
    if step > 2:
        terms(world["sm"])
        accept_terms(uow_factory, world["applicant"])
        world["sm"].say("/approval 1 approve")


@pytest.mark.parametrize("step,who", [(0, "rd"), (1, "plm"), (2, "sm"), (3, "ma")])
def test_a_rejection_at_any_step_ends_it_and_the_applicant_hears_why(world, uow_factory, step, who):
    apply(world["applicant"])
    walk_to(world, uow_factory, step)
    done = world[who].say("/approval 1 reject 资金实力不足")
    assert f"第 {step + 1} 步 驳回" in done and "未通过" in done
    assert application_state(uow_factory) == "rejected"
    told = [t for t in outbox_texts(uow_factory, "applicant") if "驳回" in t]
    assert told and "资金实力不足" in told[-1]
    status = world["applicant"].say("/apply status")
    assert "未通过" in status and "资金实力不足" in status
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DealerRow)) == 2


def test_returned_for_changes_the_applicant_changes_one_field_and_resubmits(world, uow_factory):
    a = world["applicant"]
    apply(a)
    walk_to(world, uow_factory, 1)
    returned = world["plm"].say("/approval 1 return 请补充注册资本证明")
    assert "退回" in returned and "/apply" in returned
    assert "请补充注册资本证明" in a.say("/apply status")
    a.say("/apply")
    assert ("保留：成都康远医疗器械有限公司", "f:__keep__") in a.choices()
    for _ in range(5):  # company .. phone kept
        a.say(payload="f:__keep__")
    a.say("800万")  # registered capital changed
    for _ in range(6):
        licence = a.say(payload="f:__keep__")
    assert "营业执照" in licence and "已收到 1 份" in licence  # the licence kept counts
    a.say("完成")
    summary = a.say("完成")
    assert "¥8,000,000.00" in summary and "营业执照 x1" in summary
    again = a.press("确认提交")
    assert "重新提交" in again and "[区域总监]" in again
    assert application_state(uow_factory) == "review"
    assert any("待您审批" in t for t in outbox_texts(uow_factory, "rd")[1:])
    with uow_factory() as uow:
        details = uow.session.scalar(select(ApplicationRow.details))
    assert details["registered_capital"] == "8000000.00"


def test_an_out_of_scope_reviewer_and_a_later_step_are_refused(world):
    apply(world["applicant"])
    assert "不在您负责的区域" in world["rd_sh"].say("/approval 1 approve")
    assert "找不到申请 1" in world["rd_sh"].say("/application 1 visit")  # not in their regions
    assert "还没有轮到您" in world["plm"].say("/approval 1 approve")
    assert "不由您处理" in world["sm"].say("/application 1 terms")
    assert "不由您处理" in world["plm"].say("/application 1 visit")


def test_bad_credit_code_phone_and_a_missing_licence_are_named(world):
    a = world["applicant"]
    a.say("/apply")
    a.say(ANSWERS["company_name"])
    assert "校验位不对" in a.say("91350100M000100Y44")
    assert "18 位" in a.say("9135")
    a.say(ANSWERS["credit_code"])
    a.say("张三")
    a.say("李四")
    assert "不是有效的大陆电话号码" in a.say("12345")
    a.say("13800138000")
    assert "不是有效金额" in a.say("很多")
    a.say("500万")
    a.say("25")
    a.say("网络")
    assert "找不到区域“火星”" in a.say("火星")
    a.say("SC")
    assert "没有产品线“XYZ”" in a.say("XYZ")
    a.say("IMG")
    a.say("华西医院")
    a.say("看好")
    assert "还缺少营业执照" in a.say("完成")
    bad = a.send(file=Attachment("notes.docx", b"x", "application/msword"))
    assert "不是照片或 PDF" in bad[0].text
    a.send(file=LICENCE)
    assert "资质证书" in a.say("完成")


def test_the_duplicate_guard_flags_a_dealer_name_and_an_open_applications_code(world, uow_factory):
    apply(world["applicant"])
    other = Chat(world["applicant"].conversation, "applicant2")
    sent = apply(other, {"company_name": "华西医疗"})  # D001's name, application 1's code
    assert "AP-00002" in sent
    cards = [t for t in outbox_texts(uow_factory, "rd") if "AP-00002" in t]
    assert cards and "与现有经销商 D001 同名" in cards[-1]
    assert "统一社会信用代码与在审申请 AP-00001 相同" in cards[-1]
    shown = world["rd"].say("/application AP-00002")
    assert "疑似重复" in shown and "D001" in shown and "AP-00001" in shown
    assert "已有一份申请 AP-00001" in world["applicant"].say("/apply")  # one open per applicant


def test_a_filing_that_fails_midway_leaves_nothing_created(world, uow_factory):
    a = world["applicant"]
    apply(a)
    walk_to(world, uow_factory, 3)
    with uow_factory() as uow:
        sc = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SC"))
        uow.session.add(RegionRow(code="CD", name="成都", parent=sc))
        uow.commit()
    with uow_factory() as uow:  # the terms authorize CD too
        row = uow.session.scalar(select(ApplicationRow))
        row.terms = {**row.terms, "regions": ["SC", "CD"]}
        uow.commit()
    with uow_factory() as uow:
        uow.session.execute(delete(RegionRow).where(RegionRow.code == "CD"))
        uow.commit()
    # The filing writes the dealer, its contract and SC's authorization before CD's is
    # refused: all of it must be gone with the decision.
    refused = world["ma"].say("/approval 1 approve")
    assert "备案失败，未创建任何记录" in refused
    with uow_factory() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(DealerRow)) == 2
        assert s.scalar(select(func.count()).select_from(ContractRow)) == 0
        assert s.scalar(select(func.count()).select_from(AuthorizationRow)) == 2
        assert (
            s.scalar(select(ChatIdentityRow).where(ChatIdentityRow.user_id == "applicant")) is None
        )
        assert uow.catalog.dealer(DealerCode("D003")) is None
    assert application_state(uow_factory) == "review"
    assert "待审批（第 4/4 步" in world["ma"].say("/approval 1")


def test_managers_list_and_open_the_file_with_its_documents_and_export_it(world, uow_factory):
    apply(world["applicant"])
    visit(world["rd"])
    listed = world["sm"].say("/applications")
    assert "AP-00001" in listed and "审核中" in listed
    assert "没有符合条件" in world["rd_sh"].say("/applications")
    assert "没有符合条件" in world["sm"].say("/applications filed")
    world["rd"].send("/application AP-00001")
    replies = world["rd"].last
    assert "经营规模 4" in replies[0].text and "合计 23/30" in replies[0].text
    assert "经营场所 800 平" in replies[0].text
    docs = [r.document for r in replies[1:]]
    assert [d.filename for d in docs] == ["licence.jpg", "site.jpg"]
    assert docs[0].content == LICENCE.content and "SHA-256" in replies[1].text
    world["admin"].say("/export applications")
    sheet = load_workbook(io.BytesIO(world["admin"].last[0].document.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["申请号", "公司名称", "统一社会信用代码"] and "经营规模" in rows[0]
    assert rows[1][0] == "AP-00001" and rows[1][rows[0].index("总分")] == 23


def test_a_manager_applies_for_a_company_and_the_filing_gives_an_invite_code(world, uow_factory):
    boss = world["admin"]
    fill_form(boss, start="/apply for")
    assert "AP-00001" in boss.press("确认提交")
    visit(world["rd"])
    world["rd"].say("/approval 1 approve")
    world["plm"].say("/approval 1 approve")
    terms(world["sm"])
    assert "已确认" in accept_terms(uow_factory, boss)  # the requesting manager answers
    world["sm"].say("/approval 1 approve")
    filed = world["ma"].say("/approval 1 approve")
    assert "D003" in filed and "邀请码" in filed
    code = filed.split("/start ")[1].split()[0].rstrip("。")
    newcomer = Chat(boss.conversation, "newcomer")
    assert "成都康远医疗器械有限公司" in newcomer.say(f"/start {code}")
    assert any("D003" in t for t in outbox_texts(uow_factory, "admin"))


def test_an_unlinked_user_who_wants_to_be_a_dealer_is_offered_apply_in_english_too(world):
    a = world["applicant"]
    offer = a.say("你好，我想做经销商")
    assert "/apply" in offer and any("申请成为经销商" in label for label, _ in a.buttons())
    assert "/start" in a.say("今天天气不错")  # anything else: link first, as before
    en = Chat(a.conversation, "visitor")
    en.send("I want to become a dealer")
    assert "/apply" in en.last[0].text


def test_an_applicant_writing_in_english_is_asked_and_corrected_in_english(world):
    conv = world["applicant"].conversation

    def say(text: str = "", **kw) -> str:
        inbound = Inbound("console", "visitor", "visitor", text=text, language_hint="en", **kw)
        return "\n".join(r.text for r in conv.handle(inbound))

    assert "/apply" in say("I want to become a dealer")
    assert "(1/12) Your company's full name" in say("/apply")
    say("Chengdu Kangyuan Medical")
    assert "fails the code's check character" in say("91350100M000100Y44")
    say(ANSWERS["credit_code"])
    say("Zhang San")
    say("Li Si")
    assert "not a mainland phone number" in say("+1 415 555 0100")
    say("13800138000")
    for value in ("5000000", "25", "30 hospitals", "SC", "IMG", "West China Hospital", "growth"):
        last = say(value)
    assert "business licence" in last
    assert "The business licence is missing" in say("done")
    say(file=LICENCE)
    say("done")
    summary = say("done")
    assert "Credit code: 91350100M000100Y43" in summary and "business licence x1" in summary
    assert "Application sent: number AP-00001" in say("yes")
    assert "under review" in say("/apply status")


def test_a_document_over_the_size_limit_is_refused_by_name(uow_factory, clock):
    people = make_world(uow_factory, clock, CoreOptions(onboarding_max_document_mb=1))
    a = people["applicant"]
    a.say("/apply")
    for value in ANSWERS.values():
        a.say(value)
    big = Attachment("scan.pdf", b"%PDF" + b"0" * (1024 * 1024), "application/pdf")
    refused = a.send(file=big)
    assert "“scan.pdf”超过 1 MB" in refused[0].text
    assert "已收到 1 份" in "\n".join(r.text for r in a.send(file=LICENCE))
