"""Import cells: one text cell in, one typed value out, or a FieldError naming the problem.

The parsers the import kinds (domain/catalog/imports.py) are made of; pure and reusable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.catalog.model import ManagerRole, ProductLine
from domain.deposits.model import EntryKind
from domain.rebates.model import Basis, Scope
from domain.shared.money import MoneyError, to_money
from domain.shared.periods import Period, PeriodError, PeriodKind

# Numeric(14, 2) holds up to 999 999 999 999.99.
MAX_AMOUNT = Decimal("999999999999.99")


class Problem(StrEnum):
    # the file as a whole
    NOT_UTF8 = "not_utf8"
    EMPTY_FILE = "empty_file"
    NO_ROWS = "no_rows"
    UNREADABLE = "unreadable"
    MISSING_COLUMN = "missing_column"
    # one cell
    REQUIRED = "required"
    TOO_LONG = "too_long"
    BAD_CODE = "bad_code"
    BAD_AMOUNT = "bad_amount"
    NEGATIVE_AMOUNT = "negative_amount"
    AMOUNT_TOO_LARGE = "amount_too_large"
    BAD_DATE = "bad_date"
    BAD_PERIOD = "bad_period"
    BAD_ROLE = "bad_role"
    BAD_ENTRY_KIND = "bad_entry_kind"
    BAD_REBATE_PERIOD = "bad_rebate_period"
    BAD_BASIS = "bad_basis"
    BAD_SCOPE = "bad_scope"
    BAD_ID = "bad_id"
    # one row
    DATES_REVERSED = "dates_reversed"
    REGION_OR_TERMINAL = "region_or_terminal"
    DUPLICATE = "duplicate"
    RATE_OR_AMOUNT = "rate_or_amount"
    # rows of one rebate program
    TIER_EMPTY = "tier_empty"
    TIER_GAP = "tier_gap"
    TIER_OVERLAP = "tier_overlap"
    PROGRAM_MISMATCH = "program_mismatch"
    # references (checked against the database by storage)
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_TERMINAL = "unknown_terminal"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_DEALER = "unknown_dealer"
    UNKNOWN_LINE = "unknown_line"
    UNKNOWN_PROMOTION = "unknown_promotion"
    REGION_CYCLE = "region_cycle"


class FieldError(ValueError):
    def __init__(self, problem: Problem, **params: Any) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.params = params


# -- cell parsers: text in, value out, FieldError when the text is not acceptable -----------

_CODE = re.compile(r"^[^\s|,;]+$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_LIST_SEPARATORS = re.compile(r"\s*[|;,，；、]\s*")


def text(max_len: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_len:
            raise FieldError(Problem.TOO_LONG, max=max_len)
        return value

    return parse


def code(value: str) -> str:
    if len(value) > 64:
        raise FieldError(Problem.TOO_LONG, max=64)
    if not _CODE.match(value):
        raise FieldError(Problem.BAD_CODE)
    return value


def amount(value: str) -> Decimal:
    try:
        money = to_money(value)
    except MoneyError:
        raise FieldError(Problem.BAD_AMOUNT) from None
    if money < 0:
        raise FieldError(Problem.NEGATIVE_AMOUNT)
    if money > MAX_AMOUNT:
        raise FieldError(Problem.AMOUNT_TOO_LARGE, max=str(MAX_AMOUNT))
    return money


def day(value: str) -> date:
    m = _DATE.match(value) or _DATE_COMPACT.match(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise FieldError(Problem.BAD_DATE)


def period(value: str) -> Period:
    try:
        return Period.parse(value)
    except PeriodError:
        raise FieldError(Problem.BAD_PERIOD) from None


def role(value: str) -> ManagerRole:
    try:
        return ManagerRole(value.lower())
    except ValueError:
        raise FieldError(
            Problem.BAD_ROLE, allowed=", ".join(r.value for r in ManagerRole)
        ) from None


ENTRY_KIND_WORDS = {
    "缴纳": EntryKind.PLEDGE,
    "质押": EntryKind.PLEDGE,
    "补缴": EntryKind.TOPUP,
    "扣除": EntryKind.DEDUCTION,
    "没收": EntryKind.CONFISCATION,
    "退还": EntryKind.REFUND,
}


def entry_kind(value: str) -> EntryKind:
    """A deposit entry's kind, in English (`topup`) or Chinese (`补缴`)."""
    word = value.strip()
    try:
        return ENTRY_KIND_WORDS.get(word) or EntryKind(word.lower())
    except ValueError:
        raise FieldError(
            Problem.BAD_ENTRY_KIND, allowed=", ".join(k.value for k in EntryKind)
        ) from None


def code_list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code(c) for c in _LIST_SEPARATORS.split(value) if c))


def line_list(value: str) -> tuple[ProductLine, ...]:
    """Product lines separated by `|` (a line name may hold spaces or commas)."""
    lines = (line.strip() for line in value.split("|"))
    return tuple(dict.fromkeys(ProductLine(text(64)(line)) for line in lines if line))


def alias_list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in value.split("|") if a.strip()))


def rebate_period(value: str) -> Period:
    """A rebate program runs for a quarter or a year."""
    found = period(value)
    if found.kind is PeriodKind.MONTH:
        raise FieldError(Problem.BAD_REBATE_PERIOD)
    return found


BASIS_WORDS = {
    "达成率": Basis.TARGET_PERCENT,
    "target": Basis.TARGET_PERCENT,
    "percent": Basis.TARGET_PERCENT,
    "销售额": Basis.AMOUNT,
    "金额": Basis.AMOUNT,
    "sales": Basis.AMOUNT,
    "数量": Basis.QUANTITY,
    "qty": Basis.QUANTITY,
}


def basis(value: str) -> Basis:
    word = value.strip().lower()
    try:
        return BASIS_WORDS.get(word) or Basis(word)
    except ValueError:
        raise FieldError(Problem.BAD_BASIS, allowed=", ".join(b.value for b in Basis)) from None


_SCOPE_KEYS = {"line": "lines", "lines": "lines", "region": "regions", "regions": "regions"}
_SCOPE_KEYS |= {"tier": "tiers", "tiers": "tiers", "产品线": "lines", "区域": "regions"}
_SCOPE_KEYS |= {"级别": "tiers"}


def scope(value: str) -> Scope:
    """`line=A|B; region=EAST; tier=gold` (any part may be left out; empty: everything)."""
    parts: dict[str, tuple[str, ...]] = {}
    for chunk in re.split(r"\s*[;；]\s*", value.strip()):
        if not chunk:
            continue
        key, sep, codes = chunk.partition("=")
        name = _SCOPE_KEYS.get(key.strip().lower())
        if not sep or name is None:
            raise FieldError(Problem.BAD_SCOPE)
        found = tuple(c for c in re.split(r"\s*[|,，、]\s*", codes.strip()) if c)
        if not found:
            raise FieldError(Problem.BAD_SCOPE)
        parts[name] = found
    return Scope(**parts)


def percent(value: str) -> Decimal:
    """A rate in percent: `3`, `3%` or `2.5`."""
    return amount(value.strip().rstrip("%％"))


def record_id(value: str) -> int:
    """A record's number (a promotion's id), `7` or `#7`."""
    digits = value.strip().lstrip("#")
    if not digits.isdigit() or not 0 < int(digits) < 2**31:
        raise FieldError(Problem.BAD_ID)
    return int(digits)
