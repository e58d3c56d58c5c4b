"""The first ten minutes of a new dealer and a new manager on the demo data, through the real
CLI and the console transport, piped: what the README tells them to type, and what they read.

The dealer links with a code from `dealerbot invite`, reads help, reports a sale by command
and by sentence, is asked again about a price far under the floor, reports one a little
under it, looks at their target, asks a price and a policy question, files a complaint and
reads the promotion in English. The manager links, lists their dealers and open violations
(the dealer's new one among the demo's), decides one, ranks targets and exports sales.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_console import Bot, in_order


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Bot:
    bot = Bot(tmp_path_factory.mktemp("first_minutes"))
    # Ten minutes of typing arrive here in one pipe: a person would not meet the per-user
    # rate limit (30 a minute, 20 at once), a pipe of 21 lines does.
    with bot.config.open("a", encoding="utf-8") as config:
        config.write("\n[policy]\nuser_burst = 100\n")
    out = bot.cli("demo")
    assert re.search(r"history\s+\d+ sales, 6 violations, 4 tickets, 1 promotion", out), out
    return bot


def last_month() -> str:
    """The month before this one in the bot's time zone: wholly inside the demo history."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def saved(transcript: str, kind: str) -> Path:
    """The path the console printed for the last attachment of `kind` (image|document)."""
    return Path(re.findall(rf"\({kind}: ([^)]+)\)", transcript)[-1])


@pytest.fixture(scope="module")
def dealer_transcript(bot) -> str:
    code = bot.invite("dealer", "D001")
    return bot.chat(
        "new-dealer",
        [
            f"/start {code}",
            "/help",
            "/report A100 5 3600 T-0001",
            "给华西医院卖了3台A200，单价2600",
            "1",  # 确认
            "/report A100 2 500 T-0001",
            "3",  # 取消: it was a typo
            "/report A100 2 3000 T-0002",
            f"/target {last_month()}",
            "A100最低售价是多少？",
            "窜货会怎么处罚？",
            "我想投诉",
            "1",  # 开始登记
            "1",  # 质量问题
            "1",  # 华西医院
            "A100",
            "探头发热，医生担心安全，请尽快派人检查",
            "1",  # 没有照片
            "3",  # 紧急
            "/lang en",
            "/promos",
        ],
    )


def test_a_new_dealer_links_reads_help_and_reports_by_command_and_by_sentence(dealer_transcript):
    in_order(
        dealer_transcript,
        "已绑定经销商：成都华西医疗器械有限公司。",
        "您可以使用以下命令：",
        "/report A100 20 3500 T-0012 — 上报销售",
        "已记录销售 #",
        "超声诊断仪 A100 (A100) × 5，单价 ¥3,600.00，金额 ¥18,000.00，终端 华西医院 (T-0001)",
        "符合价格与授权规定。",
        "我理解的销售（草稿 #",
        "便携式超声 A200 (A200) × 3，单价 ¥2,600.00",
        "确认后才会记录。",
        "已记录销售 #",
        "便携式超声 A200 (A200) × 3",
        "符合价格与授权规定。",
    )


def test_a_price_far_under_the_floor_is_asked_again_and_one_a_little_under_is_recorded(
    dealer_transcript,
):
    in_order(
        dealer_transcript,
        "单价 ¥500.00 比最低价 ¥3,200.00 低 84.4%，确定吗？",
        "  [3] 取消",
        "已取消，未记录任何内容。",
        "超声诊断仪 A100 (A100) × 2，单价 ¥3,000.00",
        "⚠ 这笔销售违反了 1 项规定：",
        "低于最低终端售价（最低价 ¥3,200.00，实际 ¥3,000.00，低 ¥200.00，即 6.2%） [一般]",
    )
    assert "¥500.00 × 2" not in dealer_transcript and "单价 ¥500.00，金额" not in dealer_transcript


def test_the_dealers_target_for_last_month_shows_the_demo_history_and_a_chart(
    dealer_transcript,
):
    month = last_month()
    in_order(
        dealer_transcript,
        "成都华西医疗器械有限公司（D001）销售目标 · 截至",
        f"{month}：已完成 ¥",
        "(image: ",
    )
    achieved = money(dealer_transcript.split(f"{month}：已完成 ¥")[1].split(" /")[0])
    assert achieved > 100_000  # a month of the demo's sales
    assert saved(dealer_transcript, "image").read_bytes().startswith(b"\x89PNG")


def test_the_dealers_questions_are_answered_from_prices_and_the_policy(dealer_transcript):
    in_order(
        dealer_transcript,
        "执行的价格政策：",
        "超声诊断仪 A100（A100）：最低终端售价 ¥3,200.00，最低中标价 ¥3,000.00",
        "窜货处罚",
        "没收保证金",
    )


def test_a_complaint_is_filed_through_the_form_and_the_promotion_reads_in_english(
    dealer_transcript,
):
    in_order(
        dealer_transcript,
        "要登记客户投诉或售后问题吗？",
        "请选择投诉类别：",
        "是哪个客户或终端？",
        "涉及哪个产品？",
        "请描述问题",
        "如有照片请直接发送",
        "紧急程度？",
        "已受理，工单号 C",
        "质量问题 · 紧急 · 待处理 · 华西医院 (T-0001)",
        "OK, I will speak English from now on.",
        "Promotions running now (1):",
        "Promotion #1: Imaging month-end push: ¥200 back per A100",
        "Acknowledge",
    )
    promos = dealer_transcript.split("Promotions running now")[1].split("Acknowledge")[0]
    assert not re.search(r"[\u4e00-\u9fff]", promos)  # the promotion's English text


@pytest.fixture(scope="module")
def manager_transcript(bot, dealer_transcript) -> str:
    code = bot.invite("manager", "M002")
    first = bot.chat("new-manager", [f"/start {code}", "/dealers", "/violations open"])
    # The one to decide: the new dealer's open price violation from the demo history.
    [decide] = re.findall(r"#(\d+) \S+ D006 销售#\d+ \[待处理\] 低于最低终端售价", first)
    then = bot.chat("new-manager", [f"/violation {decide} confirm", "/targets", "/export sales"])
    return first + then


def test_a_new_manager_sees_their_dealers_and_the_open_violations(manager_transcript):
    in_order(
        manager_transcript,
        "已绑定管理人员：王经理（销售经理）。",
        "您管辖的经销商（共 3 家）：",
        "D001  成都华西医疗器械有限公司",
        "D002  重庆渝康医疗设备有限公司",
        "D006  昆明春城医疗器械有限公司",
        "违规记录（最新在前）：",
    )
    listed = manager_transcript.split("违规记录（最新在前）：")[1]
    # The dealer's report of a minute ago, and the demo's open severe 窜货.
    assert re.search(
        r"D001 销售#\d+ \[待处理\] 低于最低终端售价（最低价 ¥3,200.00，实际 ¥3,000.00", listed
    )
    assert re.search(r"D001 销售#\d+ \[待处理\] 超出授权范围销售（窜货）.*\[严重\]", listed)
    assert "[已处罚]" not in listed.split("已记录：")[0]  # open ones only
    assert "D003" not in manager_transcript  # another region's dealer


def test_the_manager_decides_one_ranks_targets_and_exports_sales(manager_transcript):
    in_order(
        manager_transcript,
        "已记录：违规 #",
        # D006 has nobody linked in the demo: the reply says so instead of "已通知经销商"
        "→ 已确认。该经销商没有已绑定的账号，未能通知。",
        "目标进度排名（截至",
        "(image: ",
        "销售 ",
        "行，见附件。",
        "(document: ",
    )
    ranking = manager_transcript.split("目标进度排名（截至")[1].split("(image: ")[0]
    assert "D001 成都华西医疗器械有限公司：¥" in ranking
    assert "D002 重庆渝康医疗设备有限公司：¥" in ranking
    assert saved(manager_transcript, "document").read_bytes().startswith(b"PK")  # XLSX
    rows = int(re.search(r"销售 \S+：共 (\d+) 行", manager_transcript).group(1))
    assert rows >= 3  # this month's demo sales and the dealer's reports
