"""Demo history: three months of sales before today, a few violations and their decisions,
tickets in each state and a running promotion, so charts, rankings and `/targets` have
something to show on first use.

Everything goes through the use cases a chat message would call (`record_sale`,
`open_ticket`, `move`, the violation repository's `decide`, `mark_sent`), so the monthly
totals, the violations' evidence and the tickets' events are what real use leaves behind.
The same seed gives the same history for the same day; seeding twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bot.demo import (
    GROWTH,
    LAST_YEAR_TARGETS,
    NEW_DEALER_TARGET,
    QUARTER_SHARES,
    new_dealer_since,
)
from domain.catalog.model import DealerCode, ManagerCode, ProductLine, Sku, TerminalCode
from domain.catalog.pricing import price_in_force
from domain.promotions.model import Audience, PromoKind, PromoStatus, Promotion
from domain.promotions.services import mark_sent
from domain.sales.model import Penalty, SaleDraft, ViolationStatus
from domain.sales.services import gather_facts, record_sale
from domain.tickets.model import NewTicket, TicketAction, TicketCategory, Urgency
from domain.tickets.services import move, open_ticket
from handlers.core.options import CoreOptions
from handlers.tickets.sla import sla_policy

SEED = 20260101
KEY = "demo:sale:{n}"

# What each dealer sells inside its authorization: terminals, products and their usual price.
LIST_PRICES = {
    "A100": Decimal("3800"),
    "A200": Decimal("2800"),
    "X200": Decimal("1000"),
    "X300": Decimal("7600"),
    "R10": Decimal("14000"),
    "R20": Decimal("6300"),
}
CLEAN = {
    "D001": (("T-0001", "T-0002", "T-0003"), ("A100", "A200", "X200", "X300")),
    "D002": (("T-0004",), ("A100", "A200")),
    "D003": (("T-0006", "T-0007"), ("A100", "A200", "X200", "X300", "R10", "R20")),
    "D004": (("T-0008", "T-0009"), ("X200", "X300", "R10", "R20")),
    "D005": (("T-0010", "T-0011"), ("A100", "A200")),
    "D006": (("T-0005",), ("X200", "X300", "R10", "R20")),
}
# How much of its monthly target each dealer sells: some ahead of pace, some behind.
PACE = {
    "D001": Decimal("1.05"),
    "D002": Decimal("0.70"),
    "D003": Decimal("1.15"),
    "D004": Decimal("0.85"),
    "D005": Decimal("0.55"),
    "D006": Decimal("0.80"),
}


def monthly_goal(dealer: str, month: date) -> Decimal:
    """The demo's target for the dealer's month (its quarter's share, a third of it)."""
    if dealer not in LAST_YEAR_TARGETS:
        return NEW_DEALER_TARGET / 12
    share = QUARTER_SHARES[(month.month - 1) // 3]
    return LAST_YEAR_TARGETS[dealer] * GROWTH * share / 3


@dataclass(frozen=True, slots=True)
class Breaking:
    """A sale that breaks a rule, sold `days_ago`, and what its managers decided.

    `under` prices it that share under the floor in force on the day (a major price
    violation whatever the year's prices); without it the sale is at its list price."""

    dealer: str
    sku: str
    qty: int
    terminal: str
    days_ago: int
    under: Decimal | None = None
    decision: ViolationStatus = ViolationStatus.OPEN
    penalty: Penalty | None = None
    note: str = ""
    decided_by: str = "manager:M002"


CONFIRMED, PENALIZED = ViolationStatus.CONFIRMED, ViolationStatus.PENALIZED
BREAKING = (
    # Under the minimum terminal price by a few percent (major): confirmed or warned.
    Breaking("D001", "A100", 4, "T-0001", 52, Decimal("0.03"), CONFIRMED, note="已核实，下不为例"),
    Breaking("D002", "X200", 10, "T-0003", 37, Decimal("0.04"), PENALIZED, Penalty.WARNING),
    Breaking("D003", "R10", 2, "T-0006", 44, Decimal("0.03"), CONFIRMED, decided_by="manager:M006"),
    # Selling into another dealer's region (窜货, severe): one fined, one still open.
    Breaking("D002", "A100", 3, "T-0001", 23, None, PENALIZED, Penalty.FINE, "罚款一万元"),
    Breaking("D001", "A200", 2, "T-0004", 3),
    # The new dealer under the floor, still open.
    Breaking("D006", "R10", 1, "T-0005", 9, Decimal("0.04")),
)


@dataclass(frozen=True, slots=True)
class History:
    sales: int
    violations: int
    tickets: int
    promotions: int


def history_start(today: date) -> date:
    """The first of the month three months back (the new demo dealer's first day)."""
    return new_dealer_since(today)


def seed_history(uow_factory, now: datetime, options: CoreOptions) -> History | None:
    """Store the demo history as of `now` in one transaction; None when it is there already."""
    today = now.astimezone(options.tz).date()
    with uow_factory() as uow:
        if uow.sales.by_dedupe_key(KEY.format(n=1)) is not None:
            return None
        rng = random.Random(SEED)
        planned = [(draft, None) for draft in _clean_sales(rng, today)]
        planned += [(_breaking_sale(uow, b, today), b) for b in BREAKING]
        planned.sort(key=lambda pair: (pair[0].sold_on, pair[0].dealer))
        violations = 0
        for n, (draft, plan) in enumerate(planned, start=1):
            at = _reported_at(rng, draft.sold_on, options)
            recorded = record_sale(
                uow,
                draft,
                dedupe_key=KEY.format(n=n),
                reported_by=None,
                now=at,
                today=draft.sold_on,
                severe_gap=options.severe_price_gap,
            )
            violations += len(recorded.violations)
            if plan is not None:
                _decide(uow, recorded.violations, plan, at + timedelta(days=2))
        tickets = _tickets(uow, now, options)
        _promotion(uow, now, options)
        uow.commit()
    return History(len(planned), violations, tickets, 1)


def _decide(uow, violations, plan: Breaking, at: datetime) -> None:
    """What the dealer's managers decided, as `/violation ID ...` stores it."""
    if plan.decision is ViolationStatus.OPEN:
        return
    for v in violations:
        uow.violations.decide(v.id, plan.decision, plan.penalty, plan.note, plan.decided_by, at)


def _reported_at(rng: random.Random, day: date, options: CoreOptions) -> datetime:
    """Dealers report in the late afternoon of the day they sold."""
    minutes = rng.randrange(16 * 60, 19 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=options.tz)


def _clean_sales(rng: random.Random, today: date) -> list[SaleDraft]:
    start = history_start(today)
    days = [start + timedelta(days=n) for n in range((today - start).days)]
    working = [d for d in days if d.weekday() < 5] or days
    drafts: list[SaleDraft] = []
    for dealer, (terminals, skus) in CLEAN.items():
        for month in sorted({d.replace(day=1) for d in working}):
            in_month = [d for d in working if d.replace(day=1) == month]
            # A month under way gets its share of the goal so far.
            goal = monthly_goal(dealer, month) * PACE[dealer] * len(in_month)
            goal /= _working_days_of(month)
            total = Decimal(0)
            while total < goal:
                sku = rng.choice(skus)
                price = (LIST_PRICES[sku] * Decimal(rng.randrange(96, 112)) / 100).quantize(
                    Decimal("1")
                )
                qty = rng.randrange(1, 6)
                total += price * qty
                drafts.append(
                    _draft(dealer, sku, qty, price, rng.choice(terminals), rng.choice(in_month))
                )
    return drafts


def _working_days_of(month: date) -> int:
    following = (month + timedelta(days=32)).replace(day=1)
    days = (month + timedelta(days=n) for n in range((following - month).days))
    return sum(1 for d in days if d.weekday() < 5)


def _breaking_sale(uow, b: Breaking, today: date) -> SaleDraft:
    day = today - timedelta(days=b.days_ago)
    price = LIST_PRICES[b.sku]
    if b.under is not None:
        listed = _draft(b.dealer, b.sku, b.qty, price, b.terminal, day)
        policy = price_in_force(gather_facts(uow, listed).prices, day)
        if policy is not None:
            price = (policy.floor(tender=False) * (1 - b.under)).quantize(Decimal("1"))
    return _draft(b.dealer, b.sku, b.qty, price, b.terminal, day)


def _draft(dealer: str, sku: str, qty: int, price: Decimal, terminal: str, day: date) -> SaleDraft:
    return SaleDraft(
        DealerCode(dealer),
        Sku(sku),
        qty,
        price,
        TerminalCode(terminal),
        day,
        source_text=f"/report {sku} {qty} {price} {terminal} {day.isoformat()}",
    )


TICKETS = (
    # (dealer, category, urgency, terminal, sku, days ago, what was said, moves)
    (
        "D001",
        TicketCategory.QUALITY,
        Urgency.HIGH,
        "T-0001",
        "A100",
        1,
        "华西医院反映A100探头图像有噪点，影响检查，请尽快派工程师",
        (),
    ),
    (
        "D001",
        TicketCategory.DELIVERY,
        Urgency.NORMAL,
        "T-0002",
        "X200",
        6,
        "四川省人民医院订的5台X200晚到三天，客户要求说明原因",
        ((TicketAction.ASSIGN, "M005", ""),),
    ),
    (
        "D002",
        TicketCategory.SERVICE,
        Urgency.NORMAL,
        "T-0004",
        "A200",
        16,
        "重医附一院需要A200操作培训",
        ((TicketAction.ASSIGN, "M005", ""), (TicketAction.RESOLVE, None, "已上门培训两次")),
    ),
    (
        "D003",
        TicketCategory.RETURN_EXCHANGE,
        Urgency.LOW,
        "T-0006",
        "R20",
        40,
        "瑞金医院一台R20外壳破损，申请换货",
        (
            (TicketAction.ASSIGN, "M005", ""),
            (TicketAction.RESOLVE, None, "已换新机"),
            (TicketAction.CLOSE, None, ""),
        ),
    ),
)


def _tickets(uow, now: datetime, options: CoreOptions) -> int:
    sla = sla_policy(options)
    for dealer, category, urgency, terminal, sku, days_ago, text, moves in TICKETS:
        at = now - timedelta(days=days_ago)
        where = uow.catalog.terminal(TerminalCode(terminal))
        new = NewTicket(
            DealerCode(dealer),
            category,
            urgency,
            text,
            created_by=f"dealer:{dealer}",
            region_code=where.region_code if where else None,
            terminal_code=TerminalCode(terminal),
            customer=where.name if where else "",
            sku=Sku(sku),
        )
        ticket = open_ticket(uow, new, actor=f"dealer:{dealer}", now=at, sla=sla).ticket
        for step, (action, agent, note) in enumerate(moves, start=1):
            move(
                uow,
                ticket,
                action,
                actor="manager:M005",
                now=at + timedelta(hours=4 * step),
                sla=sla,
                note=note,
                assignee=ManagerCode(agent) if agent else None,
                tell_dealer=False,
            )
    return len(TICKETS)


def _promotion(uow, now: datetime, options: CoreOptions) -> None:
    today = now.astimezone(options.tz).date()
    month_end = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    starts = now - timedelta(days=5)
    promo = Promotion(
        0,
        PromoKind.PROMOTION,
        "影像线月末冲量：A100 每台返利 200 元",
        f"本月底（{month_end - timedelta(days=1):%m月%d日}）前上报的 A100 销售，每台返利 200 元，"
        "不低于最低终端售价。",
        Audience(lines=(ProductLine("IMG"),)),
        created_by="M001",
        status=PromoStatus.SCHEDULED,
        title_en="Imaging month-end push: ¥200 back per A100",
        body_en="A100 sales reported by the end of this month earn ¥200 each, "
        "at or above the minimum terminal price.",
        starts_at=starts,
        ends_at=datetime.combine(month_end, time(0, 0), tzinfo=options.tz),
    )
    promo = replace(promo, id=uow.promotions.add(promo, starts))
    mark_sent(uow, promo, starts)
