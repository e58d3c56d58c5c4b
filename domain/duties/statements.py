"""Reading a financial statement sheet: the right dealer and month, numbers, totals.

The template is a two-column sheet of (item, amount) rows: the dealer code, the period, the
five figures and two totals (gross profit = revenue - cost; current assets = receivables +
inventory + cash). A total left blank is not checked (a template never opened in a
spreadsheet program has no computed values); one filled in must agree to the fen. Every
problem is collected, so the dealer learns all of them at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.duties.calendar import Cadence, DutyPeriod
from domain.duties.model import FIGURES, Figures
from domain.shared.money import MoneyError, to_money
from domain.shared.numerals import parse_number

MAX_FIGURE = Decimal("999999999999.99")  # what a Numeric(14, 2) column holds
TOTALS = ("gross_profit", "current_assets")
FIELDS = ("dealer_code", "period", *FIGURES, *TOTALS)
# The row labels each field is known by (the template writes the first zh or en one).
LABELS: dict[str, tuple[str, ...]] = {
    "dealer_code": ("经销商编码", "dealer code"),
    "period": ("期间", "period"),
    "revenue": ("营业收入", "revenue"),
    "cost": ("营业成本", "cost of sales"),
    "gross_profit": ("毛利", "gross profit"),
    "receivables": ("应收账款", "accounts receivable"),
    "inventory": ("存货", "inventory"),
    "cash": ("现金", "cash"),
    "current_assets": ("流动资产合计", "current assets total"),
}
HEADER = {"项目", "item"}
OLDEST_MONTHS = 24  # a statement older than two years is not filed through chat


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # the catalog key's last part: statement.problem.<code>
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reading:
    period: DutyPeriod | None
    figures: Figures | None
    problems: tuple[Problem, ...]


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return text.split("(")[0].split("（")[0].strip()


_BY_LABEL = {_key(label): name for name, labels in LABELS.items() for label in labels}


def is_statement_sheet(header: Sequence[str]) -> bool:
    """Whether a sheet's header row is the template's (项目 | 金额, Item | Amount)."""
    return bool(header) and _key(header[0]) in HEADER


def month_problem(period: DutyPeriod, today: date) -> Problem | None:
    """A statement is for a month that has ended, in the last OLDEST_MONTHS months."""
    if period.cadence is not Cadence.MONTHLY:
        return Problem("bad_period", {"value": period.label})
    if period.end >= today:
        return Problem("period_not_over", {"period": period.label})
    months = (today.year - period.start.year) * 12 + today.month - period.start.month
    if months > OLDEST_MONTHS:
        return Problem("period_too_old", {"period": period.label, "months": OLDEST_MONTHS})
    return None


def amount(text: str) -> Decimal | None:
    """A figure as typed or stored: 1,234.5, ¥1234, 12万; None when it is not one."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lstrip("¥").rstrip("元").strip()
    sign = -1 if cleaned.startswith("-") else 1
    value = parse_number(cleaned.removeprefix("-").lstrip("¥").strip())
    if value is None:
        return None
    value *= sign
    try:
        money = to_money(value)
    except MoneyError:
        return None
    return money if abs(money) <= MAX_FIGURE else None


def read_statement(
    rows: Sequence[tuple[int, Sequence[str]]], dealer: DealerCode, today: date
) -> Reading:
    """The sheet's period and figures for `dealer`, or every problem found."""
    found: dict[str, tuple[int, str]] = {}
    problems: list[Problem] = []
    for line, cells in rows:
        name = _BY_LABEL.get(_key(cells[0])) if cells else None
        if name is None:
            continue
        if name in found:
            problems.append(Problem("duplicate_row", {"line": line, "item": name}))
            continue
        found[name] = (line, cells[1].strip() if len(cells) > 1 else "")
    for name in FIELDS:
        if name not in TOTALS and not found.get(name, (0, ""))[1]:
            problems.append(Problem("missing", {"item": name}))
    code = found.get("dealer_code", (0, ""))[1].upper()
    if code and code != dealer:
        problems.append(Problem("wrong_dealer", {"found": code[:40], "dealer": dealer}))
    period = None
    if text := found.get("period", (0, ""))[1]:
        try:
            period = DutyPeriod.parse(text[:7] if len(text) >= 10 else text)
        except ValueError:
            problems.append(Problem("bad_period", {"value": text[:20]}))
        else:
            if wrong := month_problem(period, today):
                problems.append(wrong)
    values: dict[str, Decimal] = {}
    for name in (*FIGURES, *TOTALS):
        line, text = found.get(name, (0, ""))
        if not text:
            continue
        value = amount(text)
        if value is None:
            problems.append(
                Problem("not_a_number", {"line": line, "item": name, "value": text[:30]})
            )
        elif value < 0 and name != "gross_profit":
            problems.append(Problem("negative", {"line": line, "item": name}))
        else:
            values[name] = value
    if all(f in values for f in FIGURES):
        problems += _totals(values, found)
    if problems:
        return Reading(period, None, tuple(problems))
    return Reading(period, Figures(**{f: values[f] for f in FIGURES}), ())


def _totals(values: dict[str, Decimal], found: dict[str, tuple[int, str]]) -> list[Problem]:
    expected = {
        "gross_profit": values["revenue"] - values["cost"],
        "current_assets": values["receivables"] + values["inventory"] + values["cash"],
    }
    return [
        Problem(
            "total_mismatch",
            {"line": found[name][0], "item": name, "given": values[name], "sum": expected[name]},
        )
        for name in TOTALS
        if name in values and values[name] != expected[name]
    ]
