"""A dealer application from /apply to a linked dealer, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.catalog.model import DealerCode
from storage.models import ApplicationDocumentRow
from tests.integration.approvals.test_approvals import outbox_texts
from tests.integration.onboarding.world import apply, make_world, terms, visit


@pytest.fixture
def world(uow_factory, clock):
    return make_world(uow_factory, clock)


def applicant_buttons(uow_factory) -> dict[str, str]:
    with uow_factory() as uow:
        items = sorted(
            (i for i in uow.outbox.list(limit=500) if i.chat_id == "applicant"), key=lambda i: i.id
        )
    return {label: p for i in items for row in i.payload.get("buttons") or [] for label, p in row}


def test_the_full_path_ends_in_a_linked_dealer_whose_first_report_is_checked(
    world, uow_factory, clock
):
    a = world["applicant"]
    assert "/apply" in a.say("/help")
    sent = apply(a)
    assert "AP-00001" in sent and "已通知 1 位审核人" in sent
    assert "审核中" in a.say("/apply status")
    assert any("待您审批" in t and "AP-00001" in t for t in outbox_texts(uow_factory, "rd"))
    assert not any("AP-00001" in t for t in outbox_texts(uow_factory, "rd_sh"))
    assert "考察报告" in world["rd"].say("/approval 1 approve")  # no visit yet: refused
    saved = visit(world["rd"])
    assert "合计 23/30" in saved
    assert "第 1 步 批准" in world["rd"].say("/approval 1 approve")
    assert "第 2 步 批准" in world["plm"].say("/approval 1 approve")
    assert "合同条款" in world["sm"].say("/approval 1 approve")  # no terms yet
    assert "已发给申请人确认" in terms(world["sm"])
    assert "尚未经申请人确认" in world["sm"].say("/approval 1 approve")
    accepted = a.say(payload=applicant_buttons(uow_factory)["确认合同条款"])
    assert "已通知 1 位销售经理" in accepted
    assert "第 3 步 批准" in world["sm"].say("/approval 1 approve")
    filed = world["ma"].say("/approval 1 approve 备案")
    assert "D003" in filed and "已备案" in filed and "首位联系人" in filed
    with uow_factory() as uow:
        dealer = uow.catalog.dealer(DealerCode("D003"))
        [contract] = uow.catalog.contracts(DealerCode("D003"))
        auths = uow.catalog.authorizations(DealerCode("D003"))
        docs = [
            (d.kind, d.sha256, d.size, len(d.content))
            for d in uow.session.scalars(select(ApplicationDocumentRow))
        ]
    assert (dealer.name, dealer.legal_rep, dealer.phone) == (
        "成都康远医疗器械有限公司",
        "张三",
        "13800138000",
    )
    assert (contract.deposit, contract.annual_target) == (
        Decimal("50000.00"),
        Decimal("1000000.00"),
    )
    assert [(x.region_code, x.line) for x in auths] == [("SC", "IMG")]
    assert {d[0] for d in docs} == {"business_licence", "visit_photo"}
    assert all(len(sha) == 64 and size == held for _, sha, size, held in docs)
    assert any("欢迎加入" in t for t in outbox_texts(uow_factory, "applicant"))
    # The applicant is now D003's contact: a sale in Sichuan on IMG passes the checks, one
    # on a line it was not authorized for is flagged.
    ok = a.say("/report A100 2 3500 T-0001")
    assert "已记录销售 #1" in ok and "违反" not in ok, ok
    wrong = a.say("/report X200 2 150 T-0001")
    assert "未获授权的产品线" in wrong and "MON" in wrong, wrong
    # The contract's deposit is what the ledger now expects of the new dealer.
    deposit = a.say("/deposit")
    assert "50,000.00" in deposit and "0.00" in deposit, deposit
    assert "2026年7月17日" in a.say("/contract")
