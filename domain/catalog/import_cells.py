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
from domain.shared.money import MoneyError, to_money
from domain.shared.periods import Period, PeriodError

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
    # one row
    DATES_REVERSED = "dates_reversed"
    REGION_OR_TERMINAL = "region_or_terminal"
    DUPLICATE = "duplicate"
    # references (checked against the database by storage)
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_TERMINAL = "unknown_terminal"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_DEALER = "unknown_dealer"
    UNKNOWN_LINE = "unknown_line"
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
