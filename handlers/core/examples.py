"""Examples in usage messages made of the reader's own data, so that copying one works: a
product and terminal this dealer may sell, a violation or dealer this manager can see, a
staff code of their regions. With nothing to show, the catalog's sample codes."""

from __future__ import annotations

from decimal import Decimal

from domain.catalog.examples import sale_example
from domain.catalog.model import DealerCode
from domain.identity.staff import visible_to
from handlers.core.context import Ctx

# What the usage texts showed before there was data to take examples from.
SAMPLE_SKU, SAMPLE_TERMINAL, SAMPLE_PRICE = "A100", "T-0012", "3500"


def _plain(amount: Decimal) -> str:
    return str(amount.to_integral_value()) if amount == amount.to_integral_value() else str(amount)


def report_example(ctx: Ctx, dealer: DealerCode) -> str:
    """`/report SKU 20 PRICE TERMINAL` with a product of the dealer's lines at its floor
    price and a terminal of their territory."""
    found = sale_example(
        ctx.uow.catalog.authorizations(dealer),
        ctx.uow.catalog.products(),
        ctx.uow.catalog.terminals(),
        ctx.uow.catalog.region_tree(),
        ctx.today,
    )
    if found is None:
        return f"/report {SAMPLE_SKU} 20 {SAMPLE_PRICE} {SAMPLE_TERMINAL}"
    product, terminal = found
    price = SAMPLE_PRICE
    in_force = [p for p in ctx.uow.catalog.prices(product.sku) if p.validity.covers(ctx.today)]
    if in_force:
        price = _plain(in_force[-1].min_terminal_price)
    return f"/report {product.sku} 20 {price} {terminal.code}"


def product_example(ctx: Ctx, dealer: DealerCode) -> str:
    """A SKU of the dealer's lines (else the first product, else the sample)."""
    lines = {a.line for a in ctx.uow.catalog.authorizations(dealer)}
    products = ctx.uow.catalog.products()
    mine = [p for p in products if p.line in lines] or products
    return mine[0].sku if mine else SAMPLE_SKU


def violation_example(ctx: Ctx) -> str:
    """The number of the newest violation this manager sees (else 1)."""
    found = ctx.uow.violations.list(ctx.scoped_dealers(), limit=1, lines=ctx.actor.lines)
    return str(found[0].id) if found else "1"


def dealer_example(ctx: Ctx) -> str:
    """The code of the first dealer this manager sees (else the sample D001)."""
    dealers = ctx.scoped_dealers()
    return str(dealers[0]) if dealers else "D001"


def staff_example(ctx: Ctx) -> str:
    """A staff code of this manager's regions, linked ones first (else the manager's own)."""
    tree = ctx.uow.catalog.region_tree()
    members = visible_to(ctx.uow.staff.members(), ctx.scope, tree)
    me = ctx.actor.manager_code
    members = sorted(
        members, key=lambda m: (not m.linked, m.code == me, m.scope.everything, m.code)
    )
    if members:
        return str(members[0].code)
    return str(ctx.actor.manager_code or "M01")
