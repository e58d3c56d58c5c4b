"""One translation function; dates, money and numbers in the user's locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.core.i18n import Translator, normalize_locale

zh, en = Translator("zh_CN"), Translator("en")


def test_money_is_yuan_with_grouping_and_two_decimals():
    assert zh.money(Decimal("1234567.5")) == "¥1,234,567.50"
    assert en.money(Decimal("1234567.5")) == "¥1,234,567.50"
    assert en.money(Decimal("-3.456")) == "-¥3.46"
    assert zh.money(Decimal("0")) == "¥0.00"


def test_dates_and_times_read_naturally_in_each_language():
    day = date(2026, 7, 17)
    assert zh.date(day) == "2026年7月17日"
    assert en.date(day) == "Jul 17, 2026"
    moment = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
    assert "10:00" in zh.datetime(moment, ZoneInfo("Asia/Shanghai"))
    assert "10:00" in en.datetime(moment, ZoneInfo("Asia/Shanghai"))


def test_numbers_and_percentages():
    assert zh.number(Decimal("12345.5")) == "12,345.5"
    assert en.number(20) == "20"
    assert en.percent(Decimal("0.305")) == "30.5%"


def test_placeholders_are_filled_and_unknown_keys_show_the_key():
    assert zh("error.too_long", got=10000, max=2000).startswith("消息太长（10000 个字符")
    assert en("no.such.key") == "no.such.key"
    # A missing parameter never raises: the text is shown unformatted.
    assert "{got}" in en("error.too_long")


def test_an_unsupported_locale_falls_back_to_chinese():
    assert Translator("fr").locale == "zh_CN"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("zh", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh-Hant-TW", "zh_CN"),
        ("中文", "zh_CN"),
        ("EN", "en"),
        ("en-US", "en"),
        ("English", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_language_names_and_client_codes_are_understood(given, expected):
    assert normalize_locale(given) == expected


def test_an_english_date_and_time_spells_the_month_like_a_date_does():
    moment = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)
    assert en.datetime(moment, ZoneInfo("Asia/Shanghai")) == "Dec 31, 2026, 11:59 PM"
    assert zh.datetime(moment, ZoneInfo("Asia/Shanghai")) == "2026/12/31 23:59"


def test_a_contract_ending_tomorrow_reads_one_day_left_not_in_1_days():
    text = en("jobs.contract_expiry.dealer", end=en.date(date(2026, 7, 18)), days=1)
    assert "(1 day(s) left)" in text and "in 1 days" not in text
    manager = zh("jobs.contract_expiry.manager", dealer="D001", name="x", end="", days=1)
    assert "还剩 1 天" in manager


amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False)
shares = st.one_of(
    st.decimals(min_value=-50, max_value=50, places=6, allow_nan=False),
    st.floats(min_value=-50, max_value=50, allow_nan=False),
)


@settings(max_examples=300)
@given(amounts, st.sampled_from(["zh_CN", "en"]))
def test_money_matches_babels_own_pattern_formatting(amount, locale):
    t = Translator(locale)
    babel = format_decimal(abs(amount), format="#,##0.00", locale=locale)
    assert t.money(amount) == ("-" if amount < 0 else "") + "¥" + babel


@settings(max_examples=300)
@given(shares, st.sampled_from(["zh_CN", "en"]))
def test_percent_matches_babels_own_pattern_formatting(share, locale):
    assert Translator(locale).percent(share) == format_percent(
        share, format="#,##0.0%", locale=locale
    )


def test_percent_of_a_tiny_loss_keeps_its_sign_as_babel_does():
    assert zh.percent(Decimal("-0.0004")) == "-0.0%"
    assert en.percent(Decimal("0.1235")) == "12.4%"
