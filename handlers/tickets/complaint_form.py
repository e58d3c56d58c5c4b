"""The dealer's guided complaint: category, customer, product, description, photos, urgency."""

from __future__ import annotations

import base64

from domain.catalog.model import RegionCode, Sku, TerminalCode
from domain.tickets.model import NewTicket, Photo, TicketCategory, Urgency
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import MAX_PAYLOAD_BYTES, Attachment, Button, Reply, button_rows
from handlers.core.names import labelled
from handlers.core.router import Router
from handlers.tickets.flow import open_ticket
from handlers.tickets.texts import summary

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".bmp")
SKIP_WORDS = frozenset({"-", "skip", "none", "no", "跳过", "无", "没有"})
DONE_WORDS = SKIP_WORDS | {"done", "ok", "完成", "好了", "好"}
BUTTON_TERMINALS = 6


def _choice(value: str, options: list[str], prefix: str) -> str | None:
    """Match a button value, a 1-based number or a label in either language."""
    v = value.strip().lower()
    if v in options:
        return v
    if v.isdecimal() and 1 <= int(v) <= len(options):
        return options[int(v) - 1]
    for locale in ("zh_CN", "en"):
        t = Translator(locale)
        for o in options:
            if t(f"{prefix}.{o}").lower() == v:
                return o
    return None


# -- category ---------------------------------------------------------------------------

CATEGORIES = [c.value for c in TicketCategory]
URGENCIES = [u.value for u in Urgency]


def ask_category(ctx: Ctx, data: Data) -> Reply:
    buttons = [Button(ctx.t(f"tickets.category.{c}"), f"f:{c}") for c in CATEGORIES]
    return Reply(ctx.t("tickets.form.category"), button_rows(buttons, per_row=3))


def answer_category(ctx: Ctx, data: Data, value: str) -> str:
    choice = _choice(value, CATEGORIES, "tickets.category")
    if choice is None:
        raise UserError("tickets.form.bad_choice", value=value[:40])
    data["category"] = choice
    return "customer"


# -- customer / terminal ----------------------------------------------------------------


def _dealer_terminals(ctx: Ctx):
    dealer = ctx.require_dealer()
    tree = ctx.uow.catalog.region_tree()
    auths = ctx.uow.catalog.authorizations(dealer)
    return [
        term
        for term in ctx.uow.catalog.terminals()
        if any(
            a.terminal_code == term.code
            or (a.region_code and tree.is_within(term.region_code, a.region_code))
            for a in auths
        )
    ]


def ask_customer(ctx: Ctx, data: Data) -> Reply:
    fits = [t for t in _dealer_terminals(ctx) if len(t.code.encode()) <= MAX_PAYLOAD_BYTES - 2]
    locale = ctx.t.locale
    buttons = [Button(labelled(t, t.code, locale), f"f:{t.code}") for t in fits[:BUTTON_TERMINALS]]
    return Reply(ctx.t("tickets.form.customer"), button_rows(buttons, per_row=2))


def answer_customer(ctx: Ctx, data: Data, value: str) -> str:
    wanted = value.strip()
    for term in ctx.uow.catalog.terminals():
        if wanted.upper() == term.code.upper() or wanted == term.name:
            data.update(terminal=term.code, region=term.region_code, customer=term.name)
            return "product"
    if not 2 <= len(wanted) <= 100:
        raise UserError("tickets.form.bad_customer")
    data.update(terminal=None, region=None, customer=wanted)
    return "product"


# -- product (optional) -----------------------------------------------------------------


def ask_product(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("tickets.form.product"), ((Button(ctx.t("tickets.button.skip"), "f:-"),),))


def answer_product(ctx: Ctx, data: Data, value: str) -> str:
    v = value.strip()
    if v.lower() in SKIP_WORDS:
        data["sku"] = None
        return "description"
    for p in ctx.uow.catalog.products():
        names = {p.sku.lower(), p.name.lower(), p.name_en.lower(), *(a.lower() for a in p.aliases)}
        names.discard("")
        if v.lower() in names:
            data["sku"] = p.sku
            return "description"
    raise UserError("tickets.form.unknown_product", value=v[:40])


# -- description --------------------------------------------------------------------------


def ask_description(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("tickets.form.description"))


def answer_description(ctx: Ctx, data: Data, value: str) -> str:
    if not 5 <= len(value) <= 1000:
        raise UserError("tickets.form.bad_description", got=len(value))
    data["description"] = value
    return "photos"


# -- photos (optional, any number up to MAX_PHOTOS) ---------------------------------------


def ask_photos(ctx: Ctx, data: Data) -> Reply:
    n = len(data.get("photos", []))
    key = "tickets.form.photos_more" if n else "tickets.form.photos"
    label = "tickets.button.done" if n else "tickets.button.skip"
    return Reply(ctx.t(key, n=n, max=MAX_PHOTOS), ((Button(ctx.t(label), "f:done"),),))


def answer_photos(ctx: Ctx, data: Data, value: str) -> str:
    if value.strip().lower() in DONE_WORDS:
        return "urgency"
    raise UserError("tickets.form.photo_expected")


def is_image(file: Attachment) -> bool:
    return file.mime.startswith("image/") or file.filename.lower().endswith(IMAGE_SUFFIXES)


def photo_file(ctx: Ctx, data: Data, file: Attachment) -> str:
    photos = data.setdefault("photos", [])
    if not is_image(file):
        raise UserError("tickets.form.not_an_image", name=file.filename[:60])
    if len(file.content) > MAX_PHOTO_BYTES:
        raise UserError("tickets.form.photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024))
    if len(photos) >= MAX_PHOTOS:
        raise UserError("tickets.form.too_many_photos", max=MAX_PHOTOS)
    mime = file.mime if file.mime.startswith("image/") else "image/jpeg"
    photos.append(
        {
            "filename": file.filename or f"photo{len(photos) + 1}.jpg",
            "mime": mime,
            "content": base64.b64encode(file.content).decode("ascii"),
        }
    )
    return "photos"


# -- urgency and finish -------------------------------------------------------------------


def ask_urgency(ctx: Ctx, data: Data) -> Reply:
    buttons = [Button(ctx.t(f"tickets.urgency.{u}"), f"f:{u}") for u in URGENCIES]
    return Reply(ctx.t("tickets.form.urgency"), button_rows(buttons, per_row=3))


def answer_urgency(ctx: Ctx, data: Data, value: str) -> str:
    choice = _choice(value, URGENCIES, "tickets.urgency")
    if choice is None:
        raise UserError("tickets.form.bad_choice", value=value[:40])
    data["urgency"] = choice
    return END


def finish(ctx: Ctx, data: Data) -> Reply:
    dealer = ctx.require_dealer()
    region = data.get("region")
    if region is None:
        regions = ctx.uow.catalog.dealer_regions(dealer)
        region = regions[0] if regions else None
    new = NewTicket(
        dealer_code=dealer,
        category=TicketCategory(data["category"]),
        urgency=Urgency(data["urgency"]),
        description=data["description"],
        created_by=ctx.actor.label,
        region_code=RegionCode(region) if region else None,
        terminal_code=TerminalCode(data["terminal"]) if data.get("terminal") else None,
        customer=data.get("customer", ""),
        sku=Sku(data["sku"]) if data.get("sku") else None,
        photos=tuple(
            Photo(p["filename"], p["mime"], base64.b64decode(p["content"]))
            for p in data.get("photos", [])
        ),
    )
    ticket = open_ticket(ctx, new)
    return Reply(
        ctx.t(
            "tickets.created",
            number=ticket.number,
            due=ctx.t.datetime(ticket.due_at, ctx.options.tz),
            photos=ticket.photo_count,
            summary=summary(ctx.t, ticket, ctx.options),
        )
    )


COMPLAINT = Form(
    name="complaint",
    first="category",
    steps={
        "category": Step(ask_category, answer_category),
        "customer": Step(ask_customer, answer_customer),
        "product": Step(ask_product, answer_product),
        "description": Step(ask_description, answer_description),
        "photos": Step(ask_photos, answer_photos),
        "urgency": Step(ask_urgency, answer_urgency),
    },
    finish=finish,
)


def install(router: Router, jobs: Jobs) -> None:
    router.file_step(photo_file, "complaint", "photos")
    router.form(COMPLAINT)
