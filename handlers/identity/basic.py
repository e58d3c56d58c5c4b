"""start, help, lang, cancel: the commands everyone has."""

from __future__ import annotations

from datetime import timedelta

from domain.identity.actors import InviteAlreadyUsed, Role, check_invite, normalize_code
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator, normalize_locale
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.registry import ANYONE, LINKED
from handlers.core.router import Router


def _whoami(ctx: Ctx) -> str:
    a = ctx.actor
    if a.dealer_code:
        dealer = ctx.uow.catalog.dealer(a.dealer_code)
        return ctx.t("start.linked_dealer", name=dealer.name if dealer else a.dealer_code)
    manager = ctx.uow.catalog.manager(a.manager_code) if a.manager_code else None
    role = ctx.t(f"role.{a.manager_role}") if a.manager_role else ""
    return ctx.t("start.linked_manager", name=manager.name if manager else "", role=role)


def start(ctx: Ctx) -> Reply:
    """Link this chat account with a one-time code."""
    if not ctx.args:
        if ctx.actor.role is Role.ANONYMOUS:
            return Reply(ctx.t("start.need_code"))
        return Reply(_whoami(ctx))
    i = ctx.inbound
    since = ctx.now - timedelta(hours=1)
    tries = ctx.uow.invites.failed_tries_since(i.platform, i.user_id, since)
    if tries >= ctx.options.invite_attempts_per_hour:
        ctx.audit("link.throttled")
        return Reply(ctx.t("start.too_many_tries"))
    code = normalize_code(ctx.args[0])
    invite = ctx.uow.invites.get(code)
    problem = check_invite(invite, ctx.now)
    if problem is not None:
        ctx.uow.invites.record_failed_try(i.platform, i.user_id, ctx.now)
        ctx.audit("link.failed", problem.value)
        left = ctx.options.invite_attempts_per_hour - tries - 1
        return Reply(ctx.t(f"start.{problem.value}", left=max(left, 0)))
    assert invite is not None
    try:
        ctx.actor = ctx.uow.identities.link(
            i.platform, i.user_id, i.chat_id, i.display_name, invite, ctx.now
        )
    except InviteAlreadyUsed:  # someone else redeemed it a moment ago
        raise UserError("start.used") from None
    ctx.audit("link", invite.dealer_code or invite.manager_code or "")
    owed = [line for hook in ctx.router.link_hooks if (line := hook(ctx))]
    return Reply("\n".join([_whoami(ctx), ctx.t("start.next"), *owed]))


def help_(ctx: Ctx) -> Reply:
    """List the commands this user may use, with an example each."""
    lines = [ctx.t("help.title")]
    for cmd in ctx.router.commands_for(ctx.actor.seat):
        lines.append(_help_line(ctx, cmd))
    if ctx.actor.role is Role.ANONYMOUS:
        lines.append(ctx.t("help.anonymous_hint"))
    else:
        lines.append(ctx.t("help.plain_text_hint"))
    return Reply("\n".join(lines))


def _help_line(ctx: Ctx, cmd) -> str:
    """`example — what it does`. The catalog may word either per role (`cmd.target.manager`,
    `cmd.target.example.manager`: a manager names the dealer) and give an example with words
    to translate (`cmd.ask.example`); otherwise the registered example, which is codes and
    numbers that read the same in every language."""
    role = ctx.actor.role.value
    example = (
        _known(ctx, f"{cmd.help_key}.example.{role}")
        or _known(ctx, f"{cmd.help_key}.example")
        or cmd.example
    )
    what = _known(ctx, f"{cmd.help_key}.{role}") or ctx.t(cmd.help_key)
    return f"{example} — {what}"


def _known(ctx: Ctx, key: str) -> str | None:
    text = ctx.t(key)
    return None if text == key else text


def lang(ctx: Ctx) -> Reply:
    """Choose the bot's language: zh or en."""
    choice = normalize_locale(ctx.args[0]) if ctx.args else None
    if choice is None:
        return Reply(
            ctx.t("lang.choose"),
            button_rows([Button("中文", "c:lang zh"), Button("English", "c:lang en")]),
        )
    i = ctx.inbound
    ctx.uow.identities.set_locale(i.platform, i.user_id, choice)
    ctx.t = Translator(choice)
    return Reply(ctx.t("lang.set"))


def cancel(ctx: Ctx) -> Reply:
    """Stop the form in progress."""
    # The router handles cancel before lookup; this entry exists for help and menus.
    return Reply(ctx.t("form.nothing_to_cancel"))


def install(router: Router, jobs: Jobs) -> None:
    router.command(start, "start", roles=ANYONE, example="/start K7PQ2MXA", redact=True)
    router.command(help_, "help", roles=ANYONE, example="/help", aliases=("帮助", "menu"))
    router.command(lang, "lang", roles=LINKED, example="/lang en", aliases=("language", "语言"))
    router.command(cancel, "cancel", roles=ANYONE, example="/cancel", aliases=("取消",))
