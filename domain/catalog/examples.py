"""Codes a usage message can show as its example because they exist for the reader: a
product a dealer is authorized for and a terminal inside their territory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.catalog.model import Authorization, Product, Terminal
from domain.catalog.territory import RegionTree


def sale_example(
    authorizations: Sequence[Authorization],
    products: Sequence[Product],
    terminals: Sequence[Terminal],
    tree: RegionTree,
    today: date,
) -> tuple[Product, Terminal] | None:
    """The first authorization in force today that names a product of its line and a
    terminal it covers (its own terminal, or one under its region); None when none does."""
    by_code = {t.code: t for t in terminals}
    for auth in authorizations:
        if not auth.validity.covers(today):
            continue
        product = next((p for p in products if p.line == auth.line), None)
        if product is None:
            continue
        if auth.terminal_code is not None:
            terminal = by_code.get(auth.terminal_code)
        else:
            terminal = next(
                (
                    t
                    for t in terminals
                    if auth.region_code and tree.is_within(t.region_code, auth.region_code)
                ),
                None,
            )
        if terminal is not None:
            return product, terminal
    return None
