"""Stock in a statement against stock reported in chat: how far apart, and whether too far."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def stock_gap(statement: Decimal, reported: Decimal) -> Decimal | None:
    """|statement - reported| as a fraction of the statement's stock, to 0.1 %; None when
    the statement shows no stock (any reported stock is then a gap of its own)."""
    if statement <= 0:
        return None
    return (abs(statement - reported) / statement).quantize(Decimal("0.001"), ROUND_HALF_UP)


def stock_differs(statement: Decimal, reported: Decimal | None, tolerance: Decimal) -> bool:
    """Whether the two differ by more than `tolerance` (a fraction of the statement's
    stock). Nothing reported in chat is no comparison; stock in chat against none in the
    statement is a difference."""
    if reported is None:
        return False
    gap = stock_gap(statement, reported)
    return reported > 0 if gap is None else gap > tolerance
