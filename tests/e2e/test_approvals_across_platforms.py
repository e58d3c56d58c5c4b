"""A price exception end to end: asked on Telegram, approved on Slack, honoured on the next sale.

`dealerbot run` serves both fake servers from one database (the fixtures of
test_slack_with_telegram); the approval card reaches the marketing director's Slack DM
through the outbox, and their press replaces the card's buttons with the decision.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.e2e.test_slack_with_telegram import (  # noqa: F401  (fixtures)
    TG_DEALER,
    fakes,
    link_code,
    running,
    tg_say,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def add_marketing_director(db) -> None:
    with db.uow_factory() as uow:
        sc = uow.session.query(RegionRow).filter_by(code="SC").one()
        m = ManagerRow(code="M05", name="周总监", role="marketing_director")
        m.regions.append(ManagerRegionRow(region=sc))
        uow.session.add(m)
        uow.commit()


async def test_dealer_asks_on_telegram_director_approves_on_slack_next_sale_is_compliant(
    db,
    running,  # noqa: F811 (the fixture imported above)
):
    add_marketing_director(db)
    director = running.world.user("UMD")
    assert "周总监" in await director.say(f"start {link_code(db, manager='M05')}")
    tg = running.telegram
    assert "华西医疗" in await tg_say(tg, TG_DEALER, f"/start {link_code(db, dealer='D001')}")

    preview = await tg_say(tg, TG_DEALER, "/exception request A100 2600 T-0001 5 2026-12-31 集采")
    assert "最低价 ¥3,000.00" in preview and "营销总监" in preview
    card = tg.to(TG_DEALER)[-1]
    before = len(tg.to(TG_DEALER))
    tg.press(TG_DEALER, card.data_for("确认发送"), card)
    await tg.reply_to(TG_DEALER, before, timeout=30)
    assert "已提交价格例外申请 #1" in tg.to(TG_DEALER)[-1].text

    # The card arrives in the director's DM through the Slack outbox dispatcher.
    await running.slack.wait_for(
        lambda: any("待您审批" in m.text for m in running.slack.shown_to("DUMD")), timeout=30
    )
    # The press is answered by the card itself: it now says who decided and when, for
    # everyone who sees it, and has no buttons left.
    assert (await director.press_request("批准")).status == 200

    def replaced() -> list[dict]:
        return [b for kind, b in running.slack.calls if kind == "response_url.replace"]

    await running.slack.wait_for(lambda: any("已批准" in str(b) for b in replaced()), timeout=30)
    card = next(b for b in reversed(replaced()) if "已批准" in str(b))
    assert not any(b.get("type") == "actions" for b in card["blocks"])  # no buttons left
    assert re.search(r"周总监 \(M\d+\)，\d{4}/\d+/\d+ \d+:\d+", str(card["blocks"]))

    # The dealer hears of it, and the next sale at that price is compliant and says why.
    await tg.wait_for(lambda: any("新进展" in s.text for s in tg.to(TG_DEALER)), timeout=30)
    await asyncio.sleep(0.2)
    sale = await tg_say(tg, TG_DEALER, "/report A100 2 2600 T-0001")
    assert "依据价格例外 #1" in sale and "违反" not in sale


async def test_a_director_approving_on_telegram_sees_the_card_itself_become_the_decision(
    db,
    running,  # noqa: F811 (the fixture imported above)
):
    add_marketing_director(db)
    tg = running.telegram
    director = 7005
    assert "周总监" in await tg_say(tg, director, f"/start {link_code(db, manager='M05')}")
    assert "华西医疗" in await tg_say(tg, TG_DEALER, f"/start {link_code(db, dealer='D001')}")
    await tg_say(tg, TG_DEALER, "/exception request A100 2600 T-0001 5 2026-12-31 集采")
    card = tg.to(TG_DEALER)[-1]
    before = len(tg.to(TG_DEALER))
    tg.press(TG_DEALER, card.data_for("确认发送"), card)
    await tg.reply_to(TG_DEALER, before, timeout=30)

    await tg.wait_for(lambda: any("待您审批" in s.text for s in tg.to(director)), timeout=30)
    waiting = next(s for s in reversed(tg.to(director)) if "待您审批" in s.text)
    sent_before = len(tg.to(director))
    tg.press(director, waiting.data_for("批准"), waiting)
    await tg.wait_for(lambda: any("已批准" in text for _, _, text in tg.edited_texts), timeout=30)
    [(chat, _, text)] = [e for e in tg.edited_texts if "已批准" in e[2]]
    assert chat == director and re.search(r"周总监 \(M\d+\)，\d{4}/\d+/\d+ \d+:\d+", text)
    await asyncio.sleep(0.5)
    # The decision took the card's place: no second message says it again.
    assert not any("已批准" in s.text for s in tg.to(director)[sent_before:])
