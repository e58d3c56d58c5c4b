"""Who did something, as people read it: 王经理 (M01), not `manager:M01`."""

from __future__ import annotations

from domain.catalog.model import DealerCode, Manager, ManagerCode
from handlers.core.context import Ctx
from handlers.core.i18n import Translator


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
