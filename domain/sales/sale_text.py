"""Read a sale out of a plain Chinese or English sentence, or decide it is not one.

"今天给华西医院卖了20台A100，单价3500元" and "sold 5 X200 to T-0012 at 99.5" become a
`SaleText` (quantity, unit price, kind, day, and the words that name the product and the
terminal, for the caller to match against the catalog). A question ("低于最低价销售会怎样？"),
or a sentence without a sale verb, a quantity and a price, is not a sale: None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.sales.model import SaleKind
from domain.shared.numerals import CN_NUMBER_CHARS, NUMBER, normalize, parse_number, parse_quantity

UNITS_ZH = "台套个件盒支箱瓶只部张把根"
UNITS_EN = r"units?|pcs|pieces?|sets?|boxes|box|devices?|machines?"

_QUESTION_ZH = re.compile(
    r"吗|呢|怎么|怎样|如何|什么|是否|能否|可否|为什么|为何|会不会|能不能|可不可以|请问"
)
_QUESTION_EN = re.compile(
    r"^\s*(what|how|can|could|is|are|does|do|did|should|why|when|where|who|will|would|may)\b",
    re.I,
)
_VERB = re.compile(
    r"卖|售|销|出货|成交|中标|投标|签单|出了|走了|供了"
    r"|\b(sold|sell|sells|selling|sale|sales|shipped|delivered|won|supplied)\b",
    re.I,
)
_TENDER = re.compile(r"投标|中标|招标|标价|\b(tender|tendered|bid|bids)\b", re.I)

_CN = rf"[{CN_NUMBER_CHARS}]+"
# Arabic digits glued to letters are part of a SKU or code (A100, T-0012); Chinese ones not.
_N = rf"((?<![A-Za-z0-9.\-])\d[\d,]*(?:\.\d+)?\s*[万千kKwW]?|{_CN})"
# 九十九块五 is 99.5: a digit after 块/元 counts tenths.
_TENTHS = re.compile(rf"\s*[块元]([1-9一二两三四五六七八九])(?![\d{CN_NUMBER_CHARS}{UNITS_ZH}])")
_CURRENCY = r"(?:[¥$]|rmb|cny)?\s*"
_YUAN = r"\s*(?:元|块|rmb|cny|yuan)?"

_TOTAL = re.compile(
    rf"(?:一共|总共|共计|总价|总额|合计|总计|金额|共|total(?:\s+of)?|in\s+total)\s*[:为是]?\s*{_CURRENCY}{_N}{_YUAN}",
    re.I,
)
_TOTAL_AFTER = re.compile(rf"{_CURRENCY}{_N}{_YUAN}\s*(?:in\s+total|total)\b", re.I)
_UNIT_PRICE = [
    re.compile(
        rf"(?:单价|价格|售价|价钱|中标价|投标价|标价|报价|每[{UNITS_ZH}]|一[{UNITS_ZH}]"
        rf"|unit\s+price|price|each\s+at|@|\bat)\s*[:为是]?\s*{_CURRENCY}{_N}",
        re.I,
    ),
    re.compile(
        rf"{_CURRENCY}{_N}{_YUAN}\s*(?:/|每|一)\s*(?:[{UNITS_ZH}]|unit|pc|piece|each)", re.I
    ),
    re.compile(rf"{_CURRENCY}{_N}{_YUAN}\s*(?:each|apiece|per\s+(?:unit|piece|set))", re.I),
    re.compile(rf"\bfor\s+{_CURRENCY}{_N}", re.I),
    re.compile(rf"[¥$]\s*{_N}", re.I),
    re.compile(rf"{_N}\s*(?:元|块)", re.I),
]
_QTY = [
    re.compile(rf"{_N}\s*[{UNITS_ZH}](?![/每])", re.I),
    re.compile(rf"(?:数量|qty|quantity)\s*[:为是]?\s*{_N}", re.I),
    re.compile(rf"{_N}\s*(?:{UNITS_EN})\b", re.I),
    re.compile(
        rf"\b(?:sold|sell|shipped|delivered|supplied|won(?:\s+a\s+tender)?\s*:?)\s+{_N}(?=\s)",
        re.I,
    ),
    re.compile(rf"[x×*]\s*{_N}", re.I),
]
_TERMINAL_CODE = re.compile(r"(?<![A-Za-z0-9])([Tt]-?\d{2,8})(?![A-Za-z0-9])")
_STOP_ZH = (
    rf"卖|售|销|出|供|采购|买|购|投标|中标|招标|，|,|。|;|；|\s|\d|[A-Za-z]+-?\d|单价|每|共"
    rf"|{_CN}[{UNITS_ZH}]"
)
_TERMINAL_ZH = re.compile(
    rf"(?:卖给|售给|销给|供给|供应给|销往|发往|发给|给|向|在|帮)\s*(.+?)(?={_STOP_ZH}|$)"
)
_TERMINAL_EN = re.compile(
    r"\b(?:to|for|at)\s+(?![¥$]?\d)(.+?)(?=\s+(?:at|for|@|each|on|price|today|yesterday)\b"
    r"|[,;.@]|$)",
    re.I,
)
_PRODUCT_AFTER_QTY_ZH = re.compile(
    rf"{NUMBER}\s*[{UNITS_ZH}]\s*(?!单价|价格|每|给|卖|售|共)([^\s,;。，；@].*?)(?=，|,|。|;|；|\s|单价|价格|每|给|卖|售|共|@|$)"
)
_PRODUCT_AFTER_QTY_EN = re.compile(
    rf"\b(?:sold|sell|shipped|delivered|supplied)\s+\d[\d,]*\s+(?:(?:{UNITS_EN})\s+(?:of\s+)?)?"
    r"(.+?)(?=\s+(?:to|for|at|@|each|on|price|today|yesterday)\b|[,;@]|$)",
    re.I,
)
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_CN_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
# A time that names no day ("上个月", "11月", "last week"): dating such a sale today would
# move it to another week or month, so the dealer is asked for the day instead.
_VAGUE_WHEN = re.compile(
    r"上上?个?月|上上?周|上上?个?(?:星期|礼拜)|前几天|前些天|(?<!\d)\d{1,2}月(?!\d{0,2}\s*[日号])"
    r"|\blast\s+(?:month|week)\b|\bearlier\s+this\s+(?:month|week)\b|\bthe\s+other\s+day\b",
    re.I,
)
_RELATIVE_DAYS = (("前天", 2), ("昨天", 1), ("昨日", 1), ("yesterday", 1), ("今天", 0),
                  ("今日", 0), ("today", 0))  # fmt: skip


@dataclass(frozen=True, slots=True)
class SaleText:
    qty: int
    unit_price: Decimal
    kind: SaleKind
    product_hint: str | None
    terminal_hint: str | None
    sold_on: date | None  # None: the text names no day (the caller uses today)
    from_total: bool = False  # the price was a total, divided by the quantity
    vague_when: str | None = None  # a time named without its day ("上个月"): ask which day


def is_question(text: str) -> bool:
    return "?" in text or bool(_QUESTION_ZH.search(text) or _QUESTION_EN.search(text))


def _first(patterns: list[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        if m := pattern.search(text):
            return m
    return None


def _day(text: str, today: date) -> date | None:
    if m := _ISO_DATE.search(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if m := _CN_DATE.search(text):
        try:
            return date(int(m[1]) if m[1] else today.year, int(m[2]), int(m[3]))
        except ValueError:
            return None
    lowered = text.lower()
    for word, back in _RELATIVE_DAYS:
        if word in lowered:
            return today - timedelta(days=back)
    return None


def _clean_hint(hint: str | None) -> str | None:
    if hint is None:
        return None
    hint = hint.strip(" 了的:：-")
    return hint or None


def _without_dates(text: str) -> str:
    return _CN_DATE.sub(" ", _ISO_DATE.sub(" ", text))


def parse_sale_text(text: str, today: date) -> SaleText | None:
    """The sale a sentence reports, or None when it does not read as one."""
    t = normalize(text).strip()
    if not t or is_question(t) or not _VERB.search(t):
        return None
    body = _without_dates(t)
    qty_m = _first(_QTY, body)
    if qty_m is None:
        return None
    qty = parse_quantity(qty_m[1])
    if qty is None:
        return None
    # Look for the price outside the quantity, so "20台" never reads as a price.
    rest = body[: qty_m.start()] + " " * (qty_m.end() - qty_m.start()) + body[qty_m.end() :]
    from_total = False
    if (m := _TOTAL.search(rest) or _TOTAL_AFTER.search(rest)) is not None:
        total = parse_number(m[1])
        if total is None:
            return None
        price = (total / qty).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        from_total = True
    else:
        m = _first(_UNIT_PRICE, rest)
        price = parse_number(m[1]) if m else None
        if m is None or price is None:
            return None
        if tenths := _TENTHS.match(rest, m.end()):
            price += parse_number(tenths[1]) / 10
    if (tc := _TERMINAL_CODE.search(body)) is not None:
        terminal_hint: str | None = tc[1].upper()
    else:
        tm = _TERMINAL_ZH.search(body) or _TERMINAL_EN.search(body)
        terminal_hint = _clean_hint(tm[1]) if tm else None
    pm = _PRODUCT_AFTER_QTY_ZH.search(body) or _PRODUCT_AFTER_QTY_EN.search(body)
    product_hint = _clean_hint(pm[1]) if pm else None
    return SaleText(
        qty=qty,
        unit_price=price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        kind=SaleKind.TENDER if _TENDER.search(t) else SaleKind.RETAIL,
        product_hint=product_hint,
        terminal_hint=terminal_hint,
        sold_on=(day := _day(t, today)),
        from_total=from_total,
        vague_when=None if day is not None else _vague_when(t),
    )


def _vague_when(text: str) -> str | None:
    m = _VAGUE_WHEN.search(text)
    return m[0].strip() if m else None


# Where a message moves on to another sale: "…单价3500元，另外卖了5台X200，单价900".
_NEXT_SALE = re.compile(
    r"另外|此外|还有|以及|同时|再就是|[;；。\n]|\b(?:also|another|plus|then)\b", re.I
)


_EDGES = " ，,;；。\n"


def split_sales(text: str, today: date) -> list[str]:
    """The parts of a message that each read as a sale, in order (one part: one sale)."""
    parts, start = [], 0
    for m in _NEXT_SALE.finditer(text):
        parts.append(text[start : m.start()])
        start = m.start()
    parts.append(text[start:])

    def reads(part: str) -> bool:
        return parse_sale_text(part.strip(_EDGES), today) is not None

    sales: list[str] = []
    current = ""
    for part in parts:
        # A part starts a new sale when it reads as one and what came before does too;
        # otherwise it belongs to the sale being read (its price, its terminal).
        if current and reads(current) and reads(part):
            sales.append(current)
            current = part
        else:
            current += part
    if reads(current):
        sales.append(current)
    return [part.strip(_EDGES) for part in sales]


def reads_as_sale_without_price(text: str, today: date) -> bool:
    """A sale verb and a quantity but no price ("卖了5台X200给华西医院"): not a sale to draft,
    but not a policy question either; the dealer should be asked for the price."""
    t = normalize(text).strip()
    if not t or is_question(t) or not _VERB.search(t):
        return False
    qty_m = _first(_QTY, _without_dates(t))
    if qty_m is None or parse_quantity(qty_m[1]) is None:
        return False
    return parse_sale_text(text, today) is None
