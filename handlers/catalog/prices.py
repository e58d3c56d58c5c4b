"""`price [SKU]` and questions like "A100最低售价多少？": the price policy in force today."""

from __future__ import annotations

import re

from domain.catalog.model import Product
from domain.catalog.pricing import price_in_force
from domain.identity.actors import Role
from handlers.catalog.matching import find_in_text, product_names
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.names import local_name
from handlers.core.registry import LINKED
from handlers.core.router import Router
from handlers.sales.inputs import resolve_product

MAX_LISTED = 20
_PRICE_WORDS = re.compile(
    r"最低|底价|售价|中标价|供货价|价格|价钱|多少钱|限价|"
    r"\b(price|prices|floor|minimum|bid)\b",
    re.IGNORECASE,
)
_SALE_WORDS = re.compile(r"卖了|售出|销售了|\bsold\b", re.IGNORECASE)
# Questions about consequences and rules belong to policy Q&A, product named or not.
_RULE_WORDS = re.compile(
    r"处罚|罚|违规|违反|会怎样|怎么办|后果|规定|政策|条款|\b(penalt|rule|policy|happen)",
    re.IGNORECASE,
)


def _line(ctx: Ctx, product: Product) -> str:
    policy = price_in_force(ctx.uow.catalog.prices(product.sku), ctx.today)
    if policy is None:
        return ctx.t("price.none", sku=product.sku, name=local_name(product, ctx.t.locale))
    until = (
        ctx.t.date(policy.validity.valid_to) if policy.validity.valid_to else ctx.t("price.open")
    )
    return ctx.t(
        "price.line",
        sku=product.sku,
        name=local_name(product, ctx.t.locale),
        terminal=ctx.t.money(policy.min_terminal_price),
        bid=ctx.t.money(policy.min_bid_price),
        supply=ctx.t.money(policy.supply_price),
        since=ctx.t.date(policy.validity.valid_from),
        until=until,
    )


def _price_reply(ctx: Ctx, product: Product) -> Reply:
    return Reply(
        ctx.t("price.title", day=ctx.t.date(ctx.today)) + "\n" + _line(ctx, product),
        ((Button(ctx.t("price.rule_button"), "c:ask 最低终端售价和最低中标价的规定"),),),
    )


def price(ctx: Ctx) -> Reply:
    """The price policy in force today: floors and supply price of one product or all."""
    if not ctx.args:
        products = ctx.uow.catalog.products()
        lines = [_line(ctx, p) for p in products[:MAX_LISTED]]
        if len(products) > MAX_LISTED:
            lines.append(ctx.t("price.more", count=len(products) - MAX_LISTED))
        return Reply("\n".join([ctx.t("price.title", day=ctx.t.date(ctx.today)), *lines]))
    query = ctx.command.rest if ctx.command else " ".join(ctx.args)
    found = resolve_product(ctx, query)
    if found.key is None:
        if found.candidates:
            options = ", ".join(found.candidates)
            raise UserError("price.unclear", query=query[:40], options=options)
        raise UserError("price.unknown", query=query[:40])
    product = ctx.uow.catalog.product(found.key)
    assert product is not None
    return _with_exceptions(ctx, _price_reply(ctx, product), product.sku)


def _with_exceptions(ctx: Ctx, reply: Reply, sku) -> Reply:
    """A dealer's own price exceptions for the product, under its floors."""
    if ctx.actor.dealer_code is None:
        return reply
    mine = ctx.uow.price_exceptions.listed([ctx.actor.dealer_code], sku)
    lines = [
        ctx.t(
            "exception.dealer_line",
            id=e.id,
            price=ctx.t.money(e.min_price),
            until=ctx.t.date(e.valid_to) if e.valid_to else ctx.t("exception.open_end"),
            left=e.qty_cap - e.qty_used if e.qty_cap is not None else "∞",
        )
        for e in mine
        if e.active_on(ctx.today)
    ]
    if not lines:
        return reply
    text = "\n".join([reply.text, ctx.t("exception.dealer_has"), *lines])
    return Reply(text, reply.buttons, reply.image, reply.document)


def price_question(ctx: Ctx, text: str) -> Reply | None:
    """ "A100最低售价是多少？" names a product and asks its price: answer with the figures."""
    if ctx.actor.role is Role.ANONYMOUS or _SALE_WORDS.search(text) or _RULE_WORDS.search(text):
        return None
    if not _PRICE_WORDS.search(text):
        return None
    found = find_in_text(text, product_names(ctx.uow.catalog.products()))
    if found.key is None:
        return None
    product = ctx.uow.catalog.product(found.key)
    return _price_reply(ctx, product) if product else None


def install(router: Router, jobs: Jobs) -> None:
    router.command(price, "price", roles=LINKED, example="/price A100")
    router.text(price_question, priority=30)
