"""How people and things are named in replies: 王经理 (M01), not `manager:M01`; a product,
terminal or region by its name in the reply's language."""

from __future__ import annotations

from domain.catalog.model import DealerCode, Manager, ManagerCode, Product, Region, Terminal
from handlers.core.context import Ctx
from handlers.core.i18n import Translator


def local_name(item: Product | Terminal | Region, locale: str) -> str:
    """The name to show in `locale`: the English name in English replies when the data has
    one, otherwise the (Chinese) name. Every product, terminal and region name goes here."""
    if locale == "en" and item.name_en:
        return item.name_en
    return item.name


def labelled(item: Product | Terminal | Region | None, code: str, locale: str) -> str:
    """超声诊断仪 A100 (A100): the local name with the code the data uses; the code alone
    when the item is unknown or named by its code."""
    if item is None:
        return code
    name = local_name(item, locale)
    return f"{name} ({code})" if name and name != code else code


def region_name(ctx: Ctx, code: str) -> str | None:
    """The region's name in the reader's language; None for an unknown region."""
    region = ctx.uow.catalog.region(code)
    return local_name(region, ctx.t.locale) if region is not None else None


def actor_name(ctx: Ctx, label: str) -> str:
    """Render an audit-style actor label (`dealer:D001`, `manager:M01`) with the name."""
    kind, _, code = label.partition(":")
    if not code:
        return label
    if kind == "manager":
        person = ctx.uow.catalog.manager(ManagerCode(code))
    elif kind == "dealer":
        person = ctx.uow.catalog.dealer(DealerCode(code))
    else:
        return label
    return f"{person.name} ({code})" if person else code


def staff_names(t: Translator, managers: tuple[Manager, ...]) -> str:
    """ "王经理（销售经理）、李总（管理员）" in the reader's language."""
    return t("notice.list_separator").join(
        t("notice.staff_name", name=m.name, role=t(f"role.{m.role.value}")) for m in managers
    )
