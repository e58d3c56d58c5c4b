"""A dealer application through the console, piped: the applicant and the reviewers each in
their own `dealerbot chat` session on one database, from /apply to the first /report."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.e2e.test_console import CSV, Bot, in_order
from tests.integration.onboarding.world import ANSWERS


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Bot:
    bot = Bot(tmp_path_factory.mktemp("onboarding"))
    # An applicant pipes a whole form at once: more lines a minute than a person types.
    with bot.config.open("a", encoding="utf-8") as config:
        config.write("\n[policy]\nuser_rate_per_minute = 0\n")
    assert "up to date" in bot.cli("db", "upgrade")
    for kind, text in CSV.items():
        bot.load(kind, text)

    def reviewers(factory) -> None:
        with factory() as uow:
            sc = uow.session.scalar(select(RegionRow).where(RegionRow.code == "SC"))
            for code, name, role, lines in (
                ("M07", "郑总监", "regional_director", ""),
                ("M09", "钱经理", "product_line_manager", "IMG"),
                ("M10", "冯专员", "marketing_admin", ""),
            ):
                m = ManagerRow(code=code, name=name, role=role, lines=lines)
                m.regions.append(ManagerRegionRow(region=sc))
                uow.session.add(m)
            uow.commit()

    bot.in_process(reviewers)
    return bot


def test_an_applicant_and_the_reviewers_take_an_application_to_a_linked_dealer(bot, tmp_path):
    licence = tmp_path / "licence.jpg"
    licence.write_bytes(b"\xff\xd8licence")
    answers = list(ANSWERS.values())
    applied = bot.chat(
        "applicant",
        [
            *("/help", "我想做经销商", "/apply", answers[0], "91350100M000100Y44", *answers[1:]),
            *(f"@file {licence}", "完成", "完成", "确认", "/apply status"),
        ],
    )
    in_order(
        applied,
        "/apply",
        "/apply（申请成为经销商）",  # offered for the wish
        "（1/12）请输入公司全称",
        "校验位不对",
        "（3/12）",
        "已收到 1 份",
        "请核对您的申请",
        "申请已提交，申请号 AP-00001",
        "审核中",
    )

    def start(manager: str) -> str:
        return f"/start {bot.quick_invite(manager=manager)}"

    visited = bot.chat(
        "rd",
        [
            *(start("M07"), "/approval 1 approve", "/application 1 visit", "门店与仓库整洁"),
            *("完成", "4", "4", "3", "5", "4", "3", "/approval 1 approve"),
        ],
    )
    in_order(visited, "郑总监", "考察报告", "合计 23/30", "第 1 步 批准")
    assert "第 2 步 批准" in bot.chat("plm", [start("M09"), "/approval 1 approve"])
    # [1] keeps the start (today) and the end (a year on): the term stays current.
    terms = ["/application 1 terms", "1", "1", "1000000", "50000", "8000", "SC", "none", "IMG"]
    termed = bot.chat("sm", [start("M01"), *terms])
    assert "已发给申请人确认" in termed
    accepted = bot.chat("applicant", ["/apply accept 1"])
    assert "已确认申请 AP-00001 的合同条款" in accepted
    assert "第 3 步 批准" in bot.chat("sm", ["/approval 1 approve"])
    filed = bot.chat("ma", [start("M10"), "/approval 1 approve 备案"])
    assert "已备案：经销商 D003" in filed
    first = bot.chat("applicant", ["/report A100 1 3500 T-0001", "/report X200 1 150 T-0001"])
    # The welcome is pushed through the outbox: it may come before or after the replies.
    assert "欢迎加入" in first
    in_order(first, "已记录销售", "未获授权的产品线")
