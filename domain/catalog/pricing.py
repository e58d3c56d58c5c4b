"""Which price policy is in force for a product on a given day."""

from collections.abc import Iterable
from datetime import date

from domain.catalog.model import PricePolicy


def price_in_force(policies: Iterable[PricePolicy], on: date) -> PricePolicy | None:
    """The policy covering `on`; when several overlap, the one that started last wins."""
    covering = [p for p in policies if p.validity.covers(on)]
    if not covering:
        return None
    return max(covering, key=lambda p: p.validity.valid_from)
