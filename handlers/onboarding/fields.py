"""The application form's fields: how each is asked and read (a step per field).

Every question of an application sent back for changes offers to keep the value already
there, so the applicant changes only what the reviewer asked for."""

from __future__ import annotations

import re
from collections.abc import Callable

from domain.catalog.model import RegionCode
from domain.onboarding.validation import (
    credit_code_problem,
    normalize_credit_code,
    normalize_phone,
    phone_ok,
)
from domain.sales.services import MAX_AMOUNT
from domain.shared.money import to_money
from domain.shared.numerals import normalize, parse_number
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import Data, Step
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.names import region_name

KEEP = "__keep__"
ALL = "*"
MAX_TEXT = 500
SPLIT = re.compile(r"[,，、;；\s]+")

Read = Callable[[Ctx, str], object]


def keep_row(ctx: Ctx, data: Data, field: str) -> tuple[tuple[Button, ...], ...]:
    value = data.get(field)
    if value in (None, "", []):
        return ()
    shown = "、".join(value) if isinstance(value, list) else str(value)
    return ((Button(ctx.t("onboarding.keep", value=shown)[:40], f"f:{KEEP}"),),)


def _text(limit: int) -> Read:
    def read(ctx: Ctx, value: str) -> str:
        return value[:limit]

    return read


def _credit_code(ctx: Ctx, value: str) -> str:
    problem = credit_code_problem(value)
    if problem is not None:
        raise UserError(f"onboarding.bad_credit_code.{problem}", value=value[:40])
    return normalize_credit_code(value)


def _phone(ctx: Ctx, value: str) -> str:
    if not phone_ok(value):
        raise UserError("onboarding.bad_phone", value=value[:40])
    return normalize_phone(value)


def _capital(ctx: Ctx, value: str) -> str:
    amount = parse_number(normalize(value).strip().lstrip("¥").rstrip("元"))
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        raise UserError("onboarding.bad_amount", value=value[:40])
    return str(to_money(amount))


def _staff(ctx: Ctx, value: str) -> int:
    number = parse_number(normalize(value).strip().rstrip("人"))
    if number is None or number != int(number) or not 0 < number <= 1_000_000:
        raise UserError("onboarding.bad_staff", value=value[:40])
    return int(number)


def read_regions(ctx: Ctx, value: str) -> list[str]:
    """Region codes or names, separated by commas or spaces."""
    named: dict[str, RegionCode] = {}
    wanted: list[str] = []
    for word in (w for w in SPLIT.split(normalize(value)) if w):
        code = word.upper()
        if region_name(ctx, RegionCode(code)) is None:
            if not named:
                regions = (ctx.uow.catalog.region(c) for c in ctx.uow.catalog.region_tree().parents)
                named = {r.name: r.code for r in regions if r is not None}
            if word not in named:
                raise UserError("onboarding.region_unknown", value=word[:40])
            code = named[word]
        if code not in wanted:
            wanted.append(code)
    if not wanted:
        raise UserError("onboarding.region_unknown", value=value[:40])
    return wanted


def catalog_lines(ctx: Ctx) -> list[str]:
    return sorted({p.line for p in ctx.uow.catalog.products()})


def read_lines(ctx: Ctx, value: str) -> list[str]:
    known = catalog_lines(ctx)
    if value.strip() == ALL:
        return known
    wanted: list[str] = []
    for word in (w.upper() for w in SPLIT.split(normalize(value)) if w):
        if word not in known:
            raise UserError("onboarding.line_unknown", value=word[:40], known="、".join(known))
        if word not in wanted:
            wanted.append(word)
    if not wanted:
        raise UserError("onboarding.line_unknown", value=value[:40], known="、".join(known))
    return wanted


def _lines_buttons(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(line, f"f:{line}") for line in catalog_lines(ctx)]
    buttons.append(Button(ctx.t("onboarding.all_lines"), f"f:{ALL}"))
    return button_rows(buttons, per_row=3)


# (field, how it is read); the form asks them in this order.
FIELDS: tuple[tuple[str, Read], ...] = (
    ("company_name", _text(200)),
    ("credit_code", _credit_code),
    ("legal_rep", _text(100)),
    ("contact_name", _text(100)),
    ("contact_phone", _phone),
    ("registered_capital", _capital),
    ("staff_count", _staff),
    ("sales_network", _text(MAX_TEXT)),
    ("regions", read_regions),
    ("lines", read_lines),
    ("planned_terminals", _text(MAX_TEXT)),
    ("motivation", _text(MAX_TEXT)),
)
FIELD_NAMES = tuple(name for name, _ in FIELDS)


def field_step(name: str, read: Read, following: str) -> Step:
    def ask(ctx: Ctx, data: Data) -> Reply:
        rows = keep_row(ctx, data, name)
        if name == "lines":
            rows = (*_lines_buttons(ctx), *rows)
        n = FIELD_NAMES.index(name) + 1
        return Reply(ctx.t(f"onboarding.ask.{name}", n=n, of=len(FIELDS)), rows)

    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value == KEEP and data.get(name) not in (None, "", []):
            return following
        value = value.strip()
        if not value or value == KEEP:
            raise UserError("onboarding.empty", field=ctx.t(f"onboarding.field.{name}"))
        data[name] = read(ctx, value)
        return following

    return Step(ask, answer)


def field_steps(after: str) -> dict[str, Step]:
    names = [*FIELD_NAMES, after]
    return {name: field_step(name, read, names[i + 1]) for i, (name, read) in enumerate(FIELDS)}
