"""staff: the managers and staff codes a manager works with, and who of them can be told
anything (only a linked chat account can)."""

from __future__ import annotations

from domain.catalog.model import ManagerRole
from domain.identity.staff import StaffMember, visible_to
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import SUPPORTED, Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.names import region_name
from handlers.core.pager import Page, page_args
from handlers.core.registry import MANAGER
from handlers.core.router import Router

MAX_LISTED = 50


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def role_words() -> dict[str, ManagerRole]:
    """Every way a role may be typed: its code (sales_manager, "sales manager") and its name
    in each language (销售经理, administrator), and "admin"."""
    words: dict[str, ManagerRole] = {"admin": ManagerRole.ADMIN}
    for role in ManagerRole:
        words[_normal(role.value)] = role
        for locale in SUPPORTED:
            words[_normal(Translator(locale)(f"role.{role.value}"))] = role
    return words


def parse_role(text: str) -> ManagerRole | None:
    return role_words().get(_normal(text))


def _line(ctx: Ctx, m: StaffMember) -> str:
    if m.scope.everything:
        regions = ctx.t("staff.all_regions")
    else:
        regions = (
            ctx.t("notice.list_separator").join(
                f"{region_name(ctx, r) or r} ({r})" for r in m.manager.region_codes
            )
            or "-"
        )
    return ctx.t(
        "staff.line",
        code=m.code,
        name=m.manager.name,
        role=ctx.t(f"role.{m.role.value}"),
        regions=regions,
        linked=ctx.t("staff.linked" if m.linked else "staff.not_linked"),
    )


def staff(ctx: Ctx) -> Reply:
    """The managers and staff of your regions, with role, regions and whether they are linked."""
    role = None
    words, asked = page_args(ctx.args)
    if words:
        typed = " ".join(words)
        role = parse_role(typed)
        if role is None:
            names = ctx.t("notice.list_separator").join(
                ctx.t(f"role.{r.value}") for r in ManagerRole
            )
            raise UserError("staff.unknown_role", role=typed[:40], roles=names)
    tree = ctx.uow.catalog.region_tree()
    found = [
        m
        for m in visible_to(ctx.uow.staff.members(), ctx.scope, tree)
        if role is None or m.role is role
    ]
    if not found:
        return Reply(ctx.t("staff.none"))
    linked = sum(m.linked for m in found)
    lines = [ctx.t("staff.title", count=len(found), linked=linked)]
    page = Page.of(found, asked, MAX_LISTED)
    lines += [_line(ctx, m) for m in page.items]
    if footer := page.footer(ctx.t):
        lines.append(footer)
    if linked < len(found):
        lines.append(ctx.t("staff.link_hint"))
    nav = page.buttons(ctx.t, " ".join(["staff", *words]))
    return Reply("\n".join(lines), (nav,) if nav else ())


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        staff, "staff", roles=MANAGER, example="/staff sales_manager", aliases=("员工", "人员")
    )
