"""A contract's renewal end to end on the Telegram fake: the contract_expiry job tells the
sales manager the pre-filled term, the manager proposes it, the dealer confirms with the
button on the card pushed to them, the marketing director approves from their card, and the
dealer's /contract shows the new term."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.catalog.renewal import one_year_from
from domain.shared.clock import SystemClock
from handlers.core.context import CoreOptions
from handlers.core.jobs import run_job
from storage.models import ContractRow, DealerRow, ManagerRegionRow, ManagerRow, RegionRow
from tests.e2e.test_slack_with_telegram import (  # noqa: F401  (fixtures)
    TG_DEALER,
    fakes,
    link_code,
    running,
    tg_say,
)
from tests.support import JOBS

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

SALES_MANAGER = 7101
DIRECTOR = 7102


def contract_ending_soon(db) -> date:
    """D001's contract ends 20 days from today (the subprocess runs on real time)."""
    end = datetime.now(UTC).date() + timedelta(days=20)
    with db.uow_factory() as uow:
        s = uow.session
        dealer = s.query(DealerRow).filter_by(code="D001").one()
        start = end.replace(year=end.year - 1) + timedelta(days=1)
        s.add(
            ContractRow(
                dealer_id=dealer.id,
                start=start,
                end=end,
                annual_target=Decimal("1000000"),
                deposit=Decimal("50000"),
                franchise_fee=Decimal("8000"),
            )
        )
        sc = s.query(RegionRow).filter_by(code="SC").one()
        md = ManagerRow(code="M05", name="周总监", role="marketing_director")
        md.regions.append(ManagerRegionRow(region=sc))
        s.add(md)
        uow.commit()
    return end


async def test_renewal_proposed_confirmed_by_the_dealer_and_approved_on_telegram(db, running):  # noqa: F811
    end = contract_ending_soon(db)
    tg = running.telegram
    assert "王经理" in await tg_say(tg, SALES_MANAGER, f"/start {link_code(db, manager='M01')}")
    assert "周总监" in await tg_say(tg, DIRECTOR, f"/start {link_code(db, manager='M05')}")
    assert "华西医疗" in await tg_say(tg, TG_DEALER, f"/start {link_code(db, dealer='D001')}")

    opened = run_job(
        JOBS, db.uow_factory, SystemClock(), CoreOptions(), "contract_expiry", datetime.now(UTC)
    )
    assert opened.messages >= 1
    await tg.wait_for(
        lambda: any("/renewal D001" in s.text for s in tg.to(SALES_MANAGER)), timeout=30
    )

    proposed = await tg_say(tg, SALES_MANAGER, "/renewal D001")
    assert "1,300,000.00" in proposed and "1 位联系人" in proposed
    await tg.wait_for(lambda: any("确认续签" in s.labels() for s in tg.to(TG_DEALER)), timeout=30)
    card = next(s for s in reversed(tg.to(TG_DEALER)) if "确认续签" in s.labels())
    before = len(tg.to(TG_DEALER))
    tg.press(TG_DEALER, card.data_for("确认续签"), card)
    confirmed = await tg.reply_to(TG_DEALER, before, timeout=30)
    assert "#1" in confirmed.text and "营销总监" in confirmed.text

    await tg.wait_for(lambda: any("待您审批" in s.text for s in tg.to(SALES_MANAGER)), timeout=30)
    step1 = next(s for s in reversed(tg.to(SALES_MANAGER)) if "待您审批" in s.text)
    tg.press(SALES_MANAGER, step1.data_for("批准"), step1)
    await tg.wait_for(lambda: any("待您审批" in s.text for s in tg.to(DIRECTOR)), timeout=30)
    step2 = next(s for s in reversed(tg.to(DIRECTOR)) if "待您审批" in s.text)
    tg.press(DIRECTOR, step2.data_for("批准"), step2)
    await tg.wait_for(
        lambda: any("新合同已生效入库" in text for _, _, text in tg.edited_texts), timeout=30
    )

    new_end = one_year_from(end + timedelta(days=1))
    shown = await tg_say(tg, TG_DEALER, "/contract")
    assert f"{new_end.year}年{new_end.month}月{new_end.day}日" in shown
    with db.uow_factory() as uow:
        assert [c.end for c in uow.catalog.contracts(uow.catalog.dealer("D001").code)] == [
            end,
            new_end,
        ]
