"""Own figures on in-memory fakes: a dealer sees only its sales, violations and stock; a
manager only its scope's stock; questions about them are answered from the record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.catalog.model import DealerCode, Product, ProductLine, Sku, TerminalCode
from domain.identity.invites import issue_invite
from domain.sales.model import (
    Sale,
    SaleId,
    SaleKind,
    SaleStatus,
    Severity,
    StockLevel,
    Violation,
    ViolationId,
    ViolationStatus,
    ViolationType,
)
from domain.shared.clock import FixedClock
from domain.shared.periods import Period, PeriodKind
from handlers.core.conversation import Conversation
from handlers.sales.own import period_in_words
from tests.fakes import FakeUnitOfWork, small_world
from tests.support import Chat

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
PRODUCTS = {
    Sku("A100"): Product(Sku("A100"), "超声诊断仪 A100", ProductLine("IMG")),
    Sku("X200"): Product(Sku("X200"), "监护仪 X200", ProductLine("MON")),
}


def _sale(n: int, dealer: str, sku: str, qty: int, day: date, status=SaleStatus.CONFIRMED):
    price = Decimal("3500.00")
    return Sale(
        SaleId(n),
        DealerCode(dealer),
        Sku(sku),
        qty,
        price,
        price * qty,
        SaleKind.RETAIL,
        TerminalCode("T-0001"),
        day,
        status,
        None,
        NOW,
        f"k{n}",
    )


SALES = [
    _sale(1, "D001", "A100", 20, date(2026, 7, 3)),
    _sale(2, "D001", "A100", 10, date(2026, 6, 20), SaleStatus.WITHDRAWN),
    _sale(3, "D002", "X200", 5, date(2026, 7, 4)),
]
VIOLATIONS = [
    Violation(
        ViolationId(7),
        DealerCode("D001"),
        SaleId(1),
        ViolationType.PRICE_BELOW_TERMINAL_FLOOR,
        Severity.MAJOR,
        {"report": {"sku": "A100", "qty": 20}},
        ViolationStatus.OPEN,
        NOW,
    ),
    Violation(
        ViolationId(8),
        DealerCode("D002"),
        SaleId(3),
        ViolationType.OUTSIDE_TERRITORY,
        Severity.SEVERE,
        {},
        ViolationStatus.OPEN,
        NOW,
    ),
]
STOCK = [
    StockLevel(DealerCode("D001"), Sku("A100"), 40, date(2026, 7, 1)),
    StockLevel(DealerCode("D001"), Sku("A100"), 45, date(2026, 7, 10)),
    StockLevel(DealerCode("D002"), Sku("X200"), 7, date(2026, 7, 10)),
]


class FakeSales:
    def list(self, dealers, start=None, end=None, statuses=(SaleStatus.CONFIRMED,), **_):
        return [
            s
            for s in SALES
            if s.dealer in dealers
            and s.status in statuses
            and (start is None or s.sold_on >= start)
            and (end is None or s.sold_on <= end)
        ]

    def qty_sold(self, dealers, start, end, lines=None):
        found: dict = {}
        for s in self.list(dealers or [s.dealer for s in SALES], start, end):
            found[(s.dealer, s.sku)] = found.get((s.dealer, s.sku), 0) + s.qty
        return found


class FakeViolations:
    def list(self, dealers, statuses=None, limit=None, **_):
        found = [v for v in VIOLATIONS if v.dealer in dealers]
        return [v for v in found if statuses is None or v.status in statuses][:limit]

    def for_sales(self, sale_ids):
        return [v for v in VIOLATIONS if v.sale_id in sale_ids]


class FakeStock:
    def latest_levels(self, dealers, lines=None, on_or_before=None):
        latest: dict = {}
        for level in sorted(STOCK, key=lambda s: s.as_of):
            if dealers is None or level.dealer in dealers:
                latest[(level.dealer, level.sku)] = level
        return [latest[k] for k in sorted(latest)]


class FiguresUnitOfWork(FakeUnitOfWork):
    def _attach(self, work) -> None:
        super()._attach(work)
        self.sales, self.violations, self.stock = FakeSales(), FakeViolations(), FakeStock()
        self.catalog.product = PRODUCTS.get
        self.catalog.products = lambda: list(PRODUCTS.values())


@pytest.fixture
def talk():
    store, clock = small_world(), FixedClock(NOW)
    conv = Conversation(lambda: FiguresUnitOfWork(store), clock)

    def linked(user: str, **who: str) -> Chat:
        with FakeUnitOfWork(store) as uow:
            code = issue_invite(uow, NOW, timedelta(hours=1), **who).code
            uow.commit()
        chat = Chat(conv, user)
        chat.say(f"/start {code}")
        return chat

    return linked


def test_a_dealers_sales_are_its_own_of_the_period_with_their_violations(talk):
    dealer = talk("d1", dealer=DealerCode("D001"))
    text = dealer.say("/sales")
    assert "共 1 单" in text and "#1" in text and "违规 #7" in text
    assert "#3" not in text and "#8" not in text  # D002's
    june = dealer.say("/sales 2026-06")
    assert "#2" in june and "已撤回" in june


def test_a_dealers_violations_are_its_own_and_name_the_sale(talk):
    dealer = talk("d1", dealer=DealerCode("D001"))
    text = dealer.say("/violations")
    assert "#7" in text and "涉及销售 #1" in text and "#8" not in text


def test_a_dealers_stock_is_its_latest_level_with_days_of_cover(talk):
    dealer = talk("d1", dealer=DealerCode("D001"))
    text = dealer.say("我的库存")
    assert "45（2026年7月10日）" in text and "40" not in text
    assert "约可售 202 天" in text  # 45 units at 20 per 90 days


def test_a_manager_sees_only_the_stock_of_dealers_in_scope(talk):
    boss = talk("m1", manager="M01")
    text = boss.say("/stocks")
    assert "D001 华西医疗" in text and "D002" not in text and "X200" not in text
    assert "不是您辖区内的区域" in boss.say("/stocks 上海")
    assert "不是您辖区内的经销商" in boss.say("/stock D002")


def test_an_admin_sees_every_dealers_stock(talk):
    admin = talk("m2", manager="M02")
    text = admin.say("/stocks")
    assert "D001" in text and "D002" in text


def test_questions_about_own_figures_are_for_dealers_only(talk):
    boss = talk("m1", manager="M01")
    assert "您的最新库存" not in boss.say("我的库存")
    assert "您的违规记录" not in boss.say("我有哪些违规")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("我这个月报了哪些单", "2026-07"),
        ("上个月卖了多少", "2026-06"),
        ("本季度的销售", "2026-Q3"),
        ("what did I sell this year", "2026"),
    ],
)
def test_a_sentence_names_its_period(text, period):
    assert str(period_in_words(text, date(2026, 7, 17))) == period


def test_a_sentence_without_a_period_names_none():
    assert period_in_words("我报了哪些单", date(2026, 7, 17)) is None
    assert Period.containing(date(2026, 1, 5), PeriodKind.MONTH) == Period.parse("2026-01")
    assert str(period_in_words("上个月", date(2026, 1, 5))) == "2025-12"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("我这个月报了哪些单？", "您 2026-07 的销售上报"),
        ("这个月报了几单", "您 2026-07 的销售上报"),
        ("我上个月卖了多少台", "您 2026-06 的销售上报"),
        ("我的销售记录", "您 2026-07 的销售上报"),
        ("my sales this month", "您 2026-07 的销售上报"),
        ("我有哪些违规", "您的违规记录"),
        ("我违规了吗", "您的违规记录"),
        ("我的库存", "您的最新库存"),
        ("A100库存还有多少", "您的最新库存"),
    ],
)
def test_a_question_about_own_figures_is_answered_from_the_record(talk, text, answer):
    assert answer in talk("d1", dealer=DealerCode("D001")).say(text)


@pytest.mark.parametrize(
    "text",
    [
        "卖了多少台才能拿返利？",
        "我要订多少货才能拿返利",
        "我们窜货会被处罚吗？",
        "我窜货会怎么处罚？",
        "库存多少才算合规？",
        "合同到期后怎么续签？",
    ],
)
def test_a_question_about_the_rules_is_not_answered_with_own_figures(talk, text):
    reply = talk("d1", dealer=DealerCode("D001")).say(text)
    for own in ("的销售上报", "您的违规记录", "您的最新库存", "您的合同有效期", "没有您的合同记录"):
        assert own not in reply
