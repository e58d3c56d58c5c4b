"""Numbers as dealers write them: 3,500 · ３５００ · 3.5万 · 三千五 · 两百 · 一万二 · 二十."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
SCALE_SUFFIX = {"万": 10_000, "w": 10_000, "千": 1000, "k": 1000, "百": 100}

CN_NUMBER_CHARS = "零〇一二两三四五六七八九十百千万亿点"
# A number as written: Arabic digits with thousands separators and an optional scale
# (3,500 · 3.5万 · 12k), or a run of Chinese numerals (三千五, 一万二, 二十).
NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?\s*[万千kKwW]?|[{CN_NUMBER_CHARS}]+)"
_ARABIC = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s*([万千百kKwW]?)$")


def normalize(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def _cn_integer(text: str) -> int | None:
    total = section = number = 0
    last_unit = 0
    saw_zero = False
    for ch in text:
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
            saw_zero = saw_zero or number == 0
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if number == 0:
                if unit != 10:
                    return None  # 百 or 千 with no digit in front
                number = 1  # 十五 is 15, 一千零十 is 1010
            section += number * unit
            number, last_unit, saw_zero = 0, unit, False
        elif ch in CN_BIG_UNITS:
            unit = CN_BIG_UNITS[ch]
            if section + number == 0:
                return None
            total += (section + number) * unit
            section = number = 0
            last_unit, saw_zero = unit, False
        else:
            return None
    if number and last_unit > 10 and not saw_zero:
        # Colloquial tail: 三千五 is 3500, 一万二 is 12000, 两百五 is 250.
        number *= last_unit // 10
    return total + section + number


def cn_to_decimal(text: str) -> Decimal | None:
    """A run of Chinese numerals (optionally with 点 for a decimal point) as a Decimal."""
    if not text or any(ch not in CN_NUMBER_CHARS for ch in text):
        return None
    whole, _, frac = text.partition("点")
    scale = 1
    # 三点五万: the big unit after the fraction scales the whole number.
    if frac and frac[-1] in CN_BIG_UNITS:
        scale = CN_BIG_UNITS[frac[-1]]
        frac = frac[:-1]
    integer = _cn_integer(whole) if whole else 0
    if integer is None:
        return None
    value = Decimal(integer)
    if frac:
        if any(ch not in CN_DIGITS for ch in frac):
            return None
        value += Decimal("0." + "".join(str(CN_DIGITS[ch]) for ch in frac))
    return value * scale


def parse_number(text: str) -> Decimal | None:
    """Any number form above; None when the text is not one number."""
    text = normalize(text).strip()
    if not text:
        return None
    m = _ARABIC.match(text)
    if m:
        digits = m[1]
        # Commas must group thousands (1,200 or 12,000), not be a list separator.
        if "," in digits and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
            return None
        try:
            value = Decimal(digits.replace(",", ""))
        except InvalidOperation:
            return None
        return value * SCALE_SUFFIX.get(m[2].lower(), 1) if m[2] else value
    return cn_to_decimal(text)


def parse_quantity(text: str) -> int | None:
    """A whole positive count, or None."""
    value = parse_number(text)
    if value is None or value != value.to_integral_value() or value <= 0:
        return None
    return int(value)
