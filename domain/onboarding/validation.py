"""What an applicant types that has a checkable form: the unified social credit code
(统一社会信用代码, GB 32100-2015) and a mainland phone number."""

from __future__ import annotations

import re
import unicodedata

# The code's alphabet: digits and capitals without I, O, Z, S, V (value = position).
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_LENGTH = 18
# Weight of position i (0-based) is 3**i mod 31.
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(CREDIT_LENGTH - 1))

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")


def _half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalize_credit_code(text: str) -> str:
    """Width, case and spaces or dashes do not make a different code."""
    return re.sub(r"[\s\-]", "", _half_width(text)).upper()


def credit_check_char(first17: str) -> str:
    """The 18th character GB 32100-2015 computes from the first 17."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(text: str) -> str | None:
    """None when `text` is a valid code; otherwise why not: length, character, checksum."""
    code = normalize_credit_code(text)
    if len(code) != CREDIT_LENGTH:
        return "length"
    if any(c not in CREDIT_ALPHABET for c in code):
        return "character"
    if not code[2:8].isdigit():  # the registering authority's administrative division
        return "character"
    if credit_check_char(code[:-1]) != code[-1]:
        return "checksum"
    return None


def normalize_phone(text: str) -> str:
    """Digits only, without a +86 / 0086 country prefix."""
    digits = re.sub(r"[\s\-()（）]", "", _half_width(text))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def phone_ok(text: str) -> bool:
    """A mainland mobile (1[3-9] and nine digits) or a landline with its area code."""
    digits = normalize_phone(text)
    return bool(_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits))
