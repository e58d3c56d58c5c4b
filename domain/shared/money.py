"""Money is Decimal, rounded half-up to the cent; a float never enters."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    """A text or number that is not an amount of money."""


def to_money(value: object) -> Decimal:
    """Parse a str/int/Decimal into a cent-rounded Decimal; floats are refused."""
    if isinstance(value, bool | float):
        raise MoneyError(f"refusing float/bool money value {value!r}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("¥", "").replace("￥", "")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    else:
        raise MoneyError(f"not an amount: {value!r}")
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the decimal context holds, e.g. 1e30
        raise MoneyError(f"amount too large: {value!r}") from exc


def multiply(unit_price: Decimal, quantity: Decimal | int) -> Decimal:
    """Line amount of a sale: price times quantity, rounded to the cent."""
    return (unit_price * Decimal(quantity)).quantize(CENT, rounding=ROUND_HALF_UP)
