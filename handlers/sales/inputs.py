"""Reading the parts of a sales report a dealer types: product, terminal, quantity, price, day."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from domain.catalog.model import DealerCode, Sku, Terminal, TerminalCode
from domain.sales.model import SaleKind
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import to_money
from domain.shared.numerals import normalize, parse_number, parse_quantity
from handlers.catalog.matching import (
    Resolution,
    product_names,
    resolve,
    resolve_terminal_name,
    terminal_names,
)
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button, Reply, button_rows
from handlers.sales.recording import product_label

TENDER_WORDS = frozenset({"tender", "bid", "投标", "中标", "招标"})
RETAIL_WORDS = frozenset({"retail", "零售", "终端", ""})
MAX_BUTTONS = 12


def read_qty(text: str) -> int:
    qty = parse_quantity(text.strip().rstrip("台套个件盒支"))
    if qty is None:
        raise UserError("sale.bad_qty", value=text[:40])
    return qty


def read_price(text: str) -> Decimal:
    cleaned = normalize(text).strip().lstrip("¥$").removesuffix("/台").rstrip("元块")
    value = parse_number(cleaned)
    if value is None or value <= 0:
        raise UserError("sale.bad_price", value=text[:40])
    if value > MAX_AMOUNT:  # more than a Numeric(14, 2) column holds
        raise UserError("sale.problem.amount_too_large")
    return to_money(value)


DAYS_BACK = {"today": 0, "今天": 0, "今日": 0, "yesterday": 1, "昨天": 1, "昨日": 1, "前天": 2}
_ISO_DAY = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")


def looks_like_day(text: str) -> bool:
    """A word that can only be a day: 2026-11-03, 2026/11/3, 昨天, yesterday."""
    cleaned = normalize(text).strip().lower()
    return cleaned in DAYS_BACK or bool(_ISO_DAY.match(cleaned))


def read_day(text: str, today: date) -> date:
    cleaned = normalize(text).strip().replace("/", "-").replace(".", "-")
    if cleaned.lower() in DAYS_BACK:
        return today - timedelta(days=DAYS_BACK[cleaned.lower()])
    try:
        return date.fromisoformat(
            re.sub(
                r"^(\d{4})-(\d{1,2})-(\d{1,2})$",
                lambda m: f"{m[1]}-{int(m[2]):02}-{int(m[3]):02}",
                cleaned,
            )
        )
    except ValueError as exc:
        raise UserError("error.bad_date", value=text[:40]) from exc


def read_kind(text: str) -> SaleKind | None:
    word = text.strip().lower()
    if word in TENDER_WORDS:
        return SaleKind.TENDER
    if word in RETAIL_WORDS:
        return SaleKind.RETAIL
    return None


def as_code(text: str) -> str:
    """How a typed SKU or terminal code is stored: half-width, upper case."""
    return normalize(text).strip().upper()


def resolve_product(ctx: Ctx, text: str) -> Resolution:
    # The common case, an exact SKU, is one indexed lookup; names and typos need the list.
    code = as_code(text)
    if code and ctx.uow.catalog.product(Sku(code)) is not None:
        return Resolution(code)
    return resolve(text, product_names(ctx.uow.catalog.products()))


def resolve_terminal(ctx: Ctx, text: str) -> Resolution:
    code = as_code(text)
    if code and ctx.uow.catalog.terminal(TerminalCode(code)) is not None:
        return Resolution(code)
    return resolve_terminal_name(
        text, terminal_names(ctx.uow.catalog.terminals()), first=own_terminal_codes(ctx)
    )


def own_terminal_codes(ctx: Ctx) -> frozenset[str]:
    """The terminals of a dealer's territory (none for a manager), offered first."""
    if ctx.actor.dealer_code is None:
        return frozenset()
    return frozenset(t.code for t in authorized_terminals(ctx, ctx.actor.dealer_code, None))


def authorized_terminals(
    ctx: Ctx, dealer: DealerCode, limit: int | None = MAX_BUTTONS
) -> list[Terminal]:
    """Terminals the dealer's authorizations cover, for the buttons of the terminal question."""
    auths = ctx.uow.catalog.authorizations(dealer)
    tree = ctx.uow.catalog.region_tree()
    codes = {a.terminal_code for a in auths if a.terminal_code}
    regions = {a.region_code for a in auths if a.region_code}
    found = [
        t
        for t in ctx.uow.catalog.terminals()
        if t.code in codes or any(tree.is_within(t.region_code, r) for r in regions)
    ]
    return found[:limit]


def choice_buttons(
    labels_and_payloads: list[tuple[str, str]],
) -> tuple[tuple[Button, ...], ...]:
    """Buttons for the choices whose payload fits a button; the others are left to typing."""
    buttons = [
        Button(label[:40], payload)
        for label, payload in labels_and_payloads
        if len(payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES
    ]
    return button_rows(buttons[:MAX_BUTTONS], per_row=2)


def pick_reply(
    ctx: Ctx,
    key: str,
    query: str,
    keys: tuple[str, ...] | list[str],
    label: Callable[[str], str],
    payload: Callable[[str], str],
    extra: tuple[Button, ...] = (),
) -> Reply:
    """ "Which one did you mean?" with a button per close match (or a hint when none), and
    the caller's `extra` buttons ("not listed", cancel) last."""
    more = (extra,) if extra else ()
    if not keys:
        return Reply(ctx.t(f"{key}.none", query=query[:40]), more)
    listing = "\n".join(f"• {label(k)}" for k in keys)
    return Reply(
        ctx.t(f"{key}.pick", query=query[:40]) + "\n" + listing,
        (*choice_buttons([(label(k), payload(k)) for k in keys]), *more),
    )


def take_product(ctx: Ctx, data: dict, value: str) -> None:
    """A form's product answer: store the one product it names in data["sku"], or refuse
    with "not found" / the close matches so the step is asked again."""
    found = resolve_product(ctx, value)
    if found.key is None:
        if not found.candidates:
            raise UserError("sale.form.product_none", query=value[:40])
        names = ", ".join(product_label(ctx, k) for k in found.candidates)
        raise UserError("sale.form.product_unclear", query=value[:40], options=names)
    data["sku"] = found.key
