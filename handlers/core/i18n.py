"""One translation function over gettext catalogs (Babel reads the .po files directly).

Catalogs live in `handlers/locales/<locale>/LC_MESSAGES/<feature>.po`; a message id is a
dotted key (`sale.recorded`) and every key exists in both zh_CN and en.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import (
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

LOCALES_DIR = Path(__file__).parents[1] / "locales"
SUPPORTED = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


@cache
def catalog(locale: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for po in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=locale)
        for msg in cat:
            if msg.id and msg.string:
                messages[str(msg.id)] = str(msg.string)
    return messages


def normalize_locale(value: str | None) -> str | None:
    """Map user input or client codes (zh, zh-CN, 中文, en-US, English) to a supported locale."""
    if not value:
        return None
    v = value.strip().lower().replace("-", "_")
    if v in {"zh", "zh_cn", "zh_hans", "cn", "中文", "chinese", "简体中文"}:
        return "zh_CN"
    if v.startswith("zh"):
        return "zh_CN"
    if v in {"en", "english", "英文", "英语"} or v.startswith("en_"):
        return "en"
    return None


def warm_up() -> None:
    """Parse every catalog and load Babel's locale data now, not on a user's first message
    (about 0.1 s in a new process)."""
    for locale in SUPPORTED:
        t = Translator(locale)
        t("help.title")
        t.money(Decimal("1234.5"))
        t.percent(Decimal("0.5"))
        t.datetime(datetime(2026, 1, 1, tzinfo=UTC))


CENT, TENTH = Decimal("0.01"), Decimal("0.1")


class Translator:
    """Texts, numbers, money and dates in one locale."""

    def __init__(self, locale: str = DEFAULT_LOCALE) -> None:
        self.locale = locale if locale in SUPPORTED else DEFAULT_LOCALE
        self._babel = Locale.parse(self.locale)
        # The money pattern's symbols, read once: `money` runs for every line of every job's
        # message, and Babel's general formatter costs ~30 us a call.
        self._money_marks = str.maketrans(
            {",": get_group_symbol(self._babel), ".": get_decimal_symbol(self._babel)}
        )
        self._percent_sign = self._babel.number_symbols["latn"]["percentSign"]
        self._minus = get_minus_sign_symbol(self._babel)

    def __call__(self, key: str, **params: object) -> str:
        text = catalog(self.locale).get(key) or catalog(DEFAULT_LOCALE).get(key) or key
        if params:
            try:
                return text.format(**params)
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def money(self, amount: Decimal) -> str:
        """Yuan with two decimals and grouping, the sign before the symbol: -¥1,234.50."""
        sign = "-" if amount < 0 else ""
        # Babel's "#,##0.00" in this locale: grouping by three, half-even to the cent.
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        digits = f"{abs(value).quantize(CENT, ROUND_HALF_EVEN):,.2f}"
        return sign + "¥" + digits.translate(self._money_marks)

    def number(self, value: Decimal | int) -> str:
        return format_decimal(value, locale=self._babel)

    def percent(self, value: Decimal | float) -> str:
        """Babel's "#,##0.0%" in this locale (as `money`, without its per-call cost)."""
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        sign = self._minus if number.is_signed() else ""
        digits = f"{abs(number * 100).quantize(TENTH, ROUND_HALF_EVEN):,.1f}"
        return sign + digits.translate(self._money_marks) + self._percent_sign

    def date(self, day: date) -> str:
        return _medium_date(day, self.locale)

    def datetime(self, moment: datetime, tz=None) -> str:
        if self.locale == "en":
            # English short dates are US "11/27/26": spell the month, as `date` does.
            return format_datetime(moment, "MMM d, y, h:mm a", tzinfo=tz, locale=self._babel)
        return format_datetime(moment, format="short", tzinfo=tz, locale=self._babel)


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str) -> str:
    """Babel's medium date, kept: a job's thousands of messages name a few due days."""
    return format_date(day, format="medium", locale=locale)


@lru_cache(maxsize=16)
def translator(locale: str) -> Translator:
    """A shared Translator per locale, for code that renders many messages (a job's)."""
    return Translator(locale)
