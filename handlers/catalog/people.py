"""Manager commands about dealers: dealers, dealer CODE, invite DEALER_CODE.

Every lookup goes through the manager's scope; a dealer outside it gets the same "not found"
answer as one that does not exist, so nobody can probe for other regions' dealers.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.catalog.model import Authorization, Contract, Dealer, DealerCode
from domain.deposits.rules import shortfall
from domain.identity.invites import issue_invite
from domain.targets.model import in_first_year
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button, Reply, button_rows
from handlers.core.names import local_name
from handlers.core.pager import Page, page_args
from handlers.core.registry import MANAGER, SALES_LEADS
from handlers.core.router import Router
from handlers.core.scope import visible_dealers
from handlers.deposits.ledger import required_deposit

MAX_LISTED = 50  # a page: a chat message stays readable (and under Telegram's 4096 characters)
PICK_BUTTONS = 8


def visible_dealer(ctx: Ctx, raw: str) -> Dealer:
    """The dealer `raw` names (any letter case) if this actor may see it, else not-found."""
    for code in dict.fromkeys((raw, raw.upper())):
        dealer = ctx.uow.catalog.dealer(DealerCode(code))
        if dealer is not None and ctx.can_see_dealer(dealer.code):
            return dealer
    raise UserError("error.dealer_not_found", code=raw[:40])


def _fits(payload: str) -> bool:
    return len(payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES


def _pick_buttons(dealers: list[Dealer], command_name: str) -> tuple[tuple[Button, ...], ...]:
    """One button per dealer (the first few) that runs `command_name CODE`."""
    buttons = [
        Button(d.code, f"c:{command_name} {d.code}")
        for d in dealers[:PICK_BUTTONS]
        if _fits(f"c:{command_name} {d.code}")
    ]
    return button_rows(buttons, per_row=4)


def _scoped(ctx: Ctx) -> list[Dealer]:
    return ctx.uow.catalog.dealers(visible_dealers(ctx.uow, ctx.scope))


def _status(ctx: Ctx, dealer: Dealer) -> str:
    return ctx.t(f"people.status.{dealer.status.value}")


def dealers(ctx: Ctx) -> Reply:
    """List the dealers in this manager's regions (admins: all), optionally filtered."""
    scoped = _scoped(ctx)
    words, asked = page_args(ctx.args)
    needle = " ".join(words).lower()
    found = [d for d in scoped if needle in d.code.lower() or needle in d.name.lower()]
    ctx.audit("dealers.list", f"{len(found)} found")
    if not scoped:
        return Reply(ctx.t("people.no_dealers"))
    if not found:
        return Reply(ctx.t("people.no_match", text=needle[:40]))
    page = Page.of(found, asked, MAX_LISTED)
    lines = [ctx.t("people.dealers_title", count=len(found))]
    for d in page.items:
        tier = ctx.t("people.tier", tier=d.tier) if d.tier else ctx.t("people.tier_none")
        lines.append(f"{d.code}  {d.name} · {tier} · {_status(ctx, d)}")
    if footer := page.footer(ctx.t):
        lines.append(footer)
        if not needle:
            lines.append(ctx.t("people.filter_hint"))
    lines.append(ctx.t("people.dealers_hint"))
    nav = page.buttons(ctx.t, " ".join(["dealers", *words]))
    return Reply(
        "\n".join(lines), _pick_buttons(list(page.items), "dealer") + ((nav,) if nav else ())
    )


def _contract_line(ctx: Ctx, contracts: list[Contract], today: date) -> str:
    if not contracts:
        return ctx.t("people.no_contract")
    current = [c for c in contracts if c.start <= today <= c.end]
    c = current[-1] if current else contracts[-1]
    key = "people.contract" if current else "people.contract_ended"
    return ctx.t(
        key,
        start=ctx.t.date(c.start),
        end=ctx.t.date(c.end),
        target=ctx.t.money(c.annual_target),
    )


def _authorization_line(ctx: Ctx, auth: Authorization) -> str:
    if auth.terminal_code:
        terminal = ctx.uow.catalog.terminal(auth.terminal_code)
        where = local_name(terminal, ctx.t.locale) if terminal else auth.terminal_code
    elif auth.region_code:
        region = ctx.uow.catalog.region(auth.region_code)
        where = local_name(region, ctx.t.locale) if region else auth.region_code
    else:
        where = ctx.t("people.anywhere")
    v = auth.validity
    if v.valid_to is None:
        valid = ctx.t("people.valid_from", start=ctx.t.date(v.valid_from))
    else:
        valid = ctx.t(
            "people.valid_range", start=ctx.t.date(v.valid_from), end=ctx.t.date(v.valid_to)
        )
    return ctx.t("people.authorization", line=auth.line, where=where, valid=valid)


def dealer(ctx: Ctx) -> Reply:
    """Show a dealer's profile: tier, credit, deposit, contract, authorizations, contacts."""
    if not ctx.args:
        scoped = _scoped(ctx)
        key = "people.pick_dealer" if scoped else "people.no_dealers"
        return Reply(ctx.t(key), _pick_buttons(scoped, "dealer"))
    d = visible_dealer(ctx, ctx.args[0])
    ctx.audit("dealer.view", d.code)
    today = ctx.today
    lines = [ctx.t("people.profile_title", name=d.name, code=d.code)]
    lines.append(
        ctx.t(
            "people.profile_grade",
            tier=d.tier or "—",
            credit=d.credit_rating or "—",
            status=_status(ctx, d),
        )
    )
    if d.legal_rep or d.phone:
        lines.append(
            ctx.t("people.profile_contact", legal_rep=d.legal_rep or "—", phone=d.phone or "—")
        )
    lines.append(
        ctx.t(
            "people.profile_deposit",
            deposit=ctx.t.money(balance := ctx.uow.deposits.balance(d.code)),
        )
    )
    required = required_deposit(ctx.uow, d.code, today)
    if required is not None and shortfall(required, balance) > 0:
        lines.append(ctx.t("deposit.short", short=ctx.t.money(shortfall(required, balance))))
    if d.since is None:
        lines.append(ctx.t("people.profile_since_unknown"))
    else:
        key = (
            "people.profile_since_new" if in_first_year(d.since, today) else "people.profile_since"
        )
        lines.append(ctx.t(key, since=ctx.t.date(d.since)))
    lines.append(_contract_line(ctx, ctx.uow.catalog.contracts(d.code), today))
    auths = ctx.uow.catalog.authorizations(d.code)
    if auths:
        lines.append(ctx.t("people.authorizations"))
        lines.extend(_authorization_line(ctx, a) for a in auths)
    else:
        lines.append(ctx.t("people.no_authorizations"))
    contacts = len(ctx.uow.identities.dealer_contacts(d.code))
    lines.append(ctx.t("people.contacts", count=contacts))
    payload = f"c:invite {d.code}"
    buttons = ((Button(ctx.t("people.invite_button"), payload),),) if _fits(payload) else ()
    return Reply("\n".join(lines), buttons)


def invite(ctx: Ctx) -> Reply:
    """Create a one-time code that links a dealer contact to a dealer in your scope."""
    args = list(ctx.args)
    if args and args[0].lower() == "dealer":  # the CLI's wording, `invite dealer D001`
        args = args[1:]
    if not args:
        scoped = _scoped(ctx)
        key = "people.invite_pick" if scoped else "people.no_dealers"
        return Reply(ctx.t(key), _pick_buttons(scoped, "invite"))
    d = visible_dealer(ctx, args[0])
    ttl = timedelta(hours=ctx.options.invite_ttl_hours)
    issued = issue_invite(ctx.uow, ctx.now, ttl, dealer=d.code)
    ctx.audit("invite.issue", f"dealer:{d.code}")
    until = ctx.t.datetime(issued.expires_at, ctx.options.tz)
    return Reply(ctx.t("people.invite_issued", name=d.name, code=issued.code, until=until))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        dealers, "dealers", roles=MANAGER, example="/dealers 华西", aliases=("经销商列表",)
    )
    router.command(dealer, "dealer", roles=MANAGER, example="/dealer D001", aliases=("经销商",))
    router.command(invite, "invite", roles=SALES_LEADS, example="/invite D001", aliases=("邀请",))
