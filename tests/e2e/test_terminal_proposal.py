"""申请新增终端 end to end on the Telegram fake: a dealer's sale names a hospital the
catalog lacks, the dealer proposes it, the regional director approves it from the card
pushed to them, and the waiting sale comes back to the dealer to confirm and is recorded."""

from __future__ import annotations

import pytest

from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.e2e.test_slack_with_telegram import (  # noqa: F401  (fixtures)
    TG_DEALER,
    fakes,
    link_code,
    running,
    tg_press,
    tg_say,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DIRECTOR = 7007
HOSPITAL = "成都市第三人民医院"


def add_regional_director(db) -> None:
    with db.uow_factory() as uow:
        sc = uow.session.query(RegionRow).filter_by(code="SC").one()
        m = ManagerRow(code="M07", name="郑总监", role="regional_director")
        m.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(m)
        uow.commit()


async def test_dealer_proposes_a_terminal_director_approves_and_the_sale_is_recorded(
    db,
    running,  # noqa: F811 (the fixture imported above)
):
    add_regional_director(db)
    tg = running.telegram
    assert "郑总监" in await tg_say(tg, DIRECTOR, f"/start {link_code(db, manager='M07')}")
    assert "华西医疗" in await tg_say(tg, TG_DEALER, f"/start {link_code(db, dealer='D001')}")

    choice = await tg_say(tg, TG_DEALER, f"给{HOSPITAL}卖了2台A100，单价3500")
    assert "请选择终端" in choice
    asked = await tg_press(tg, TG_DEALER, "申请新增终端")
    assert "草稿 #1" in asked and "尚未记录" in asked and "终端名称" in asked
    assert "地址" in await tg_press(tg, TG_DEALER, HOSPITAL)
    assert "所在区域" in await tg_say(tg, TG_DEALER, "成都市武侯区一环路 1 号")
    assert "终端类型" in await tg_press(tg, TG_DEALER, "四川")
    preview = await tg_press(tg, TG_DEALER, "医院")
    assert HOSPITAL in preview and "审批链：区域总监" in preview
    sent = await tg_press(tg, TG_DEALER, "确认发送")
    assert "新增终端申请 #1" in sent and "已通知 郑总监 (M07)" in sent

    await tg.wait_for(lambda: any("待您审批" in s.text for s in tg.to(DIRECTOR)), timeout=30)
    card = next(s for s in reversed(tg.to(DIRECTOR)) if "待您审批" in s.text)
    assert HOSPITAL in card.text and "草稿 #1" in card.text and "¥3,500.00" in card.text
    tg.press(DIRECTOR, card.data_for("批准"), card)
    await tg.wait_for(
        lambda: any("终端已加入终端库" in text for _, _, text in tg.edited_texts), timeout=30
    )

    await tg.wait_for(lambda: any("您申请的终端" in s.text for s in tg.to(TG_DEALER)), timeout=30)
    resumed = next(s for s in reversed(tg.to(TG_DEALER)) if "您申请的终端" in s.text)
    assert "TP-00001" in resumed.text and "草稿 #1" in resumed.text
    before = len(tg.to(TG_DEALER))
    tg.press(TG_DEALER, resumed.data_for("确认"), resumed)
    receipt = await tg.reply_to(TG_DEALER, before, timeout=30)
    assert "已记录销售 #1" in receipt.text and HOSPITAL in receipt.text
    assert "违反" not in receipt.text
