"""The demo's history: three months of sales stored through `record_sale` (the monthly totals
in step with the sales), violations decided and one severe left open, tickets in every state
and a running promotion, the same for the same day, and stored once."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from bot.demo import seed_demo
from bot.demo_history import SEED, _clean_sales, history_start, seed_history
from domain.sales.model import Severity, ViolationStatus, ViolationType
from domain.shared.periods import Period
from domain.tickets.model import TicketStatus
from handlers.core.options import CoreOptions
from handlers.targets.standing import load_standings
from storage.sales.models import SaleRow
from storage.sales.monthly import rebuild
from storage.sales.monthly_models import SalesMonthlyRow

OPTIONS = CoreOptions()
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 12, 2)
DEALERS = ["D001", "D002", "D003", "D004", "D005", "D006"]


def seeded(uow_factory, now: datetime = NOW):
    seed_demo(uow_factory, now.astimezone(OPTIONS.tz).date())
    return seed_history(uow_factory, now, OPTIONS)


def monthly(uow) -> dict:
    rows = uow.session.execute(
        select(SalesMonthlyRow.dealer_id, SalesMonthlyRow.month, SalesMonthlyRow.amount)
    )
    return {(d, m): Decimal(a) for d, m, a in rows if a}


def test_three_months_of_sales_are_stored_with_the_monthly_totals_in_step(uow_factory):
    history = seeded(uow_factory)
    assert history is not None and history.sales > 100
    with uow_factory() as uow:
        days = uow.session.execute(select(func.min(SaleRow.sold_on), func.max(SaleRow.sold_on)))
        first, last = days.one()
        assert first >= history_start(TODAY) == date(2026, 9, 1) and last < TODAY
        kept = monthly(uow)
        rebuild(uow.session.connection())
        assert monthly(uow) == kept and len(kept) >= 6 * 3
        uow.rollback()


def test_the_history_has_decided_violations_one_open_severe_tickets_and_a_promotion(
    uow_factory,
):
    history = seeded(uow_factory)
    assert history is not None
    with uow_factory() as uow:
        found = uow.violations.list(DEALERS)
        tickets = uow.tickets.of_dealers(DEALERS, NOW)
        active = uow.promotions.active(NOW)
    assert history.violations == len(found) == 6
    assert {v.type for v in found} == {
        ViolationType.PRICE_BELOW_TERMINAL_FLOOR,
        ViolationType.OUTSIDE_TERRITORY,
    }
    statuses = [v.status for v in found]
    assert statuses.count(ViolationStatus.CONFIRMED) == 2
    assert statuses.count(ViolationStatus.PENALIZED) == 2
    open_severe = [
        v for v in found if v.status is ViolationStatus.OPEN and v.severity is Severity.SEVERE
    ]
    assert [(v.dealer, v.type) for v in open_severe] == [("D001", ViolationType.OUTSIDE_TERRITORY)]
    assert all(v.evidence["report"]["text"].startswith("/report ") for v in found)
    assert {t.status for t in tickets} == set(TicketStatus)
    assert [p.title for p in active] == ["影像线月末冲量：A100 每台返利 200 元"]


def test_targets_have_figures_some_dealers_ahead_and_some_behind(uow_factory):
    seeded(uow_factory)
    quarter = Period.parse("2026-Q4")
    with uow_factory() as uow:
        found = load_standings(uow, [quarter], TODAY, OPTIONS.target_growth)[quarter]
    assessed = [s for s in found if s.target.assessed]
    assert len(assessed) == 5 and all(s.achieved > 0 for s in found)
    assert {s.behind for s in assessed} == {True, False}


def test_seeding_the_history_again_changes_nothing(uow_factory):
    first = seeded(uow_factory)
    with uow_factory() as uow:
        before = uow.session.scalar(select(func.count()).select_from(SaleRow))
    assert seed_history(uow_factory, NOW, OPTIONS) is None
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SaleRow)) == before
    assert first is not None and before == first.sales


def test_early_in_a_year_the_history_crosses_new_year_with_no_contract_or_price_surprise(
    uow_factory,
):
    history = seeded(uow_factory, datetime(2027, 1, 20, 2, 0, tzinfo=UTC))
    assert history is not None and history.violations == 6
    with uow_factory() as uow:
        first = uow.session.scalar(select(func.min(SaleRow.sold_on)))
    assert first.year == 2026


def test_the_same_day_and_seed_give_the_same_sales():
    def plan():
        return _clean_sales(random.Random(SEED), TODAY)

    assert plan() == plan() and len(plan()) > 100
