"""Reading sales out of free Chinese and English text, and leaving everything else alone."""

from datetime import date
from decimal import Decimal

import pytest

from domain.sales.model import SaleKind
from domain.sales.sale_text import parse_sale_text
from domain.shared.numerals import parse_number

TODAY = date(2026, 7, 17)
R, T = SaleKind.RETAIL, SaleKind.TENDER

# (text, qty, unit price, kind, product hint, terminal hint, day)
SALES = [
    ("今天给华西医院卖了20台A100，单价3500元", 20, "3500", R, "A100", "华西医院", TODAY),
    ("sold 5 X200 to T-0012 at 99.5", 5, "99.5", R, "X200", "T-0012", None),
    ("卖给瑞金医院二十台X200，每台九十九块五", 20, "99.5", R, "X200", "瑞金医院", None),
    ("昨天向华西医院销售A100两台，单价三千五", 2, "3500", R, None, "华西医院", date(2026, 7, 16)),
    ("华西医院投标中标A100 10台，中标价2800元", 10, "2800", T, None, None, None),
    ("给T-0001卖了３台Ａ１００，单价３，５００元", 3, "3500", R, "A100", "T-0001", None),
    ("A100卖了20台，3500元/台", 20, "3500", R, None, None, None),
    ("卖了5套X200给瑞金医院，共500元", 5, "100", R, "X200", "瑞金医院", None),
    (
        "sold 12 units of A100 to West China Hospital for 3,500 each",
        12,
        "3500",
        R,
        "A100",
        "West China Hospital",
        None,
    ),
    ("Sold 3 A100 to Ruijin hospital, total 10500", 3, "3500", R, "A100", "Ruijin hospital", None),
    ("won a tender: 8 A100 at 2,750 for T-0001", 8, "2750", T, None, "T-0001", None),
    (
        "7月15日给华西医院卖了1台A100，单价3.5万",
        1,
        "35000",
        R,
        "A100",
        "华西医院",
        date(2026, 7, 15),
    ),
    ("shipped 4 pcs X200 @ 120 to T-0012", 4, "120", R, "X200", "T-0012", None),
    ("今天在华西医院出货A100五台 单价3600", 5, "3600", R, None, "华西医院", TODAY),
    ("2026-07-16 sold 2 A100 to T-0001 at 3000", 2, "3000", R, "A100", "T-0001", date(2026, 7, 16)),
    ("给华西医院卖了十台超声A100，单价三千二百元", 10, "3200", R, "超声A100", "华西医院", None),
    ("卖了一百台X200，单价99元", 100, "99", R, "X200", None, None),
    ("华西医院采购我们A100共3台，售价3,600元", 3, "3600", R, None, None, None),
    ("销售A100 6台给T-0001，价格：3100", 6, "3100", R, None, "T-0001", None),
    ("卖了A100 数量12 单价3000", 12, "3000", R, None, None, None),
    ("给瑞金医院投标X200 50台，投标价95元", 50, "95", T, None, "瑞金医院", None),
    ("昨天卖给T-0012 两台A100 总价7000元", 2, "3500", R, "A100", "T-0012", date(2026, 7, 16)),
    ("sold 7 A100 @ 3,050 yesterday", 7, "3050", R, "A100", None, date(2026, 7, 16)),
    ("We sold 10 X200 to Ruijin for ¥98 each", 10, "98", R, "X200", "Ruijin", None),
    ("Sold 2 units A100 at T-0001, price 3200", 2, "3200", R, "A100", "T-0001", None),
    ("today sold 15 X200 to T-0012 for a total of 1500", 15, "100", R, "X200", "T-0012", TODAY),
    ("delivered 3 A100 to T-0001 at 3.2k", 3, "3200", R, "A100", "T-0001", None),
    ("Tender won: sold 4 A100 to T-0001 at 2800", 4, "2800", T, "A100", "T-0001", None),
    ("给华西医院卖了１２台A100，３５００元一台", 12, "3500", R, "A100", "华西医院", None),
    ("卖了两万台X200，单价九十", 20000, "90", R, "X200", None, None),
    ("给华西医院卖了3台A100 ¥3,400", 3, "3400", R, "A100", "华西医院", None),
    ("今天出了8台X200给瑞金医院，99元每台", 8, "99", R, "X200", "瑞金医院", TODAY),
]

NOT_SALES = [
    "低于最低价销售会怎样？",
    "What happens if I sell below the minimum price?",
    "窜货怎么处罚",
    "今天天气不错",
    "sold out",
    "A100 最低价是多少",
    "卖了20台A100",  # no price: not enough to draft a sale
    "单价3500",  # no sale, no quantity
    "我们这个月销售额不错，卖了很多",
    "可以卖给外省的医院吗",
    "How do I report a sale?",
    "投标价格低于最低中标价有什么后果",
    "请问返利怎么计算",
    "hello",
    "",
]


@pytest.mark.parametrize(("text", "qty", "price", "kind", "product", "terminal", "day"), SALES)
def test_a_sentence_reporting_a_sale_is_read(text, qty, price, kind, product, terminal, day):
    parsed = parse_sale_text(text, TODAY)
    assert parsed is not None, text
    assert parsed.qty == qty
    assert parsed.unit_price == Decimal(price)
    assert parsed.kind is kind
    if product is not None:
        assert parsed.product_hint == product
    assert parsed.terminal_hint == terminal
    assert parsed.sold_on == day


@pytest.mark.parametrize("text", NOT_SALES)
def test_questions_and_chatter_are_not_sales(text):
    assert parse_sale_text(text, TODAY) is None


def test_there_are_at_least_forty_sentences_under_test():
    assert len(SALES) + len(NOT_SALES) >= 40


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三千五", "3500"),
        ("一万二", "12000"),
        ("两万五千", "25000"),
        ("三千零五", "3005"),
        ("二十五", "25"),
        ("十", "10"),
        ("3.5万", "35000"),
        ("3,500", "3500"),
        ("３５００", "3500"),
        ("12k", "12000"),
        ("三点五", "3.5"),
        ("一千零十", "1010"),
    ],
)
def test_numbers_are_read_in_every_form_dealers_write(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1,2", "百", "abc", "", "3..5"])
def test_things_that_are_not_numbers_are_refused(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("上个月给华西医院卖了2台A100，单价3500", "上个月"),
        ("6月给华西医院卖了2台A100，单价3500", "6月"),
        ("上周卖给T-0012 两台A100 总价7000元", "上周"),
        ("前几天给瑞金医院卖了5台X200，单价99", "前几天"),
        ("last month sold 2 A100 to T-0001 at 3500", "last month"),
        ("sold 3 X200 to T-0012 at 99 last week", "last week"),
    ],
)
def test_a_time_without_its_day_is_not_dated_today(text, when):
    parsed = parse_sale_text(text, TODAY)
    assert parsed is not None and parsed.sold_on is None and parsed.vague_when == when


@pytest.mark.parametrize(
    "text",
    [
        "7月15日给华西医院卖了1台A100，单价3500",
        "7月15号给华西医院卖了1台A100，单价3500",
        "给华西医院卖了2台A100，单价3500",
        "sold 2 A100 to T-0001 at 3500 yesterday",
    ],
)
def test_a_day_or_no_time_at_all_is_not_vague(text):
    parsed = parse_sale_text(text, TODAY)
    assert parsed is not None and parsed.vague_when is None
