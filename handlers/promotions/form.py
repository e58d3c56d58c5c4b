"""The `promo new` guided form: title, text, optional English version, audience, window,
fee support, optional image, then a preview of exactly what dealers will read."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import datetime, timedelta

import domain.promotions.services as services
import handlers.promotions.delivery as delivery
from domain.catalog.model import ProductLine, RegionCode
from domain.decisions.model import DecisionKind
from domain.promotions.model import Audience, PromoKind, PromoStatus, Promotion
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.core.registry import BROADCASTERS, require
from handlers.core.router import Router
from handlers.decisions.receipts import receipt, record

SKIP = "__skip__"
ALL = "__all__"
NOW = "__now__"
SKIP_WORDS = {SKIP, "skip", "跳过", "无", "none", "-"}
ALL_WORDS = {ALL, "all", "全部", "所有"}
_SPLIT = re.compile(r"[,，、;；\s]+")
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def parse_when(ctx: Ctx, text: str) -> datetime:
    value = text.strip()
    if value in {NOW, "now", "现在", "立即"}:
        return ctx.now
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            local = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=ctx.options.tz)
    raise UserError("promo.bad_time", value=value[:40])


def _skip_row(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("promo.skip_button"), f"f:{SKIP}"),),)


def _ask_title(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_title"))


def _answer_text(field: str, nxt: str, limit: int):
    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if not value or value.startswith("f:"):
            raise UserError("promo.need_text")
        if len(value) > limit:
            raise UserError("promo.too_long", max=limit)
        data[field] = value
        return nxt

    return answer


def _ask_body(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_body"))


def _ask_english(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_english"), _skip_row(ctx))


def _answer_english(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() not in SKIP_WORDS:
        title, sep, body = value.partition("|")
        if not sep or not title.strip() or not body.strip():
            raise UserError("promo.bad_english")
        data["title_en"], data["body_en"] = title.strip()[:200], body.strip()[:2000]
    return "lines"


def _choices(ctx: Ctx, values: list[str]) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(v, f"f:{v}") for v in values[:9]]
    return (*button_rows(buttons), (Button(ctx.t("promo.all_button"), f"f:{ALL}"),))


def _ask_lines(ctx: Ctx, data: Data) -> Reply:
    lines = sorted({p.line for p in ctx.uow.catalog.products()})
    return Reply(ctx.t("promo.ask_lines"), _choices(ctx, lines))


def _answer_list(field: str, nxt: str, known_of):
    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value.lower() in ALL_WORDS:
            data[field] = []
            return nxt
        items = [v for v in _SPLIT.split(value) if v]
        known = known_of(ctx)
        unknown = [v for v in items if v not in known]
        if not items or unknown:
            raise UserError("promo.unknown_choice", value=", ".join(unknown)[:80] or value[:40])
        data[field] = items
        return nxt

    return answer


def _ask_regions(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_regions"), _choices(ctx, list(ctx.actor.manager_regions)))


def _ask_tiers(ctx: Ctx, data: Data) -> Reply:
    tiers = sorted({d.tier for d in ctx.uow.catalog.dealers() if d.tier})
    return Reply(ctx.t("promo.ask_tiers"), _choices(ctx, tiers))


def _ask_start(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_start"), ((Button(ctx.t("promo.now_button"), f"f:{NOW}"),),))


def _answer_start(ctx: Ctx, data: Data, value: str) -> str:
    data["starts_at"] = parse_when(ctx, value).isoformat()
    return "end"


def _ask_end(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_end"), _skip_row(ctx))


def _answer_end(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in SKIP_WORDS:
        data["ends_at"] = None
        return "fee"
    end = parse_when(ctx, value)
    if len(value.strip()) == 10:  # a bare date ends at the end of that day
        end += timedelta(days=1)
    if end <= datetime.fromisoformat(data["starts_at"]):
        raise UserError("promo.end_before_start")
    data["ends_at"] = end.isoformat()
    return "fee"


def _ask_fee(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_fee"), _skip_row(ctx))


def _answer_fee(ctx: Ctx, data: Data, value: str) -> str:
    data["fee_text"] = "" if value.lower() in SKIP_WORDS else value[:500]
    return "image"


def _ask_image(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("promo.ask_image", max=MAX_IMAGE_BYTES // (1024 * 1024)), _skip_row(ctx))


def _answer_image(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() in SKIP_WORDS:
        data.pop("image", None)
        return "confirm"
    raise UserError("promo.need_image")


def _image_file(ctx: Ctx, data: Data, file: Attachment) -> str:
    named_image = file.filename.lower().endswith((".png", ".jpg", ".jpeg", ".webp", ".gif"))
    if not (file.mime.startswith("image/") or named_image):
        raise UserError("promo.not_an_image", name=file.filename[:60])
    if len(file.content) > MAX_IMAGE_BYTES:
        raise UserError("promo.image_too_big", max=MAX_IMAGE_BYTES // (1024 * 1024))
    data["image"] = base64.b64encode(file.content).decode("ascii")
    return "confirm"


def _draft(ctx: Ctx, data: Data) -> Promotion:
    return Promotion(
        id=0,
        kind=PromoKind.PROMOTION,
        title=data["title"],
        body=data["body"],
        title_en=data.get("title_en", ""),
        body_en=data.get("body_en", ""),
        audience=Audience(
            tuple(ProductLine(x) for x in data.get("lines", [])),
            tuple(RegionCode(x) for x in data.get("regions", [])),
            tuple(data.get("tiers", [])),
        ),
        created_by=ctx.actor.manager_code or "",
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]) if data.get("ends_at") else None,
        fee_text=data.get("fee_text", ""),
        image=base64.b64decode(data["image"]) if data.get("image") else None,
    )


def _ask_confirm(ctx: Ctx, data: Data) -> Reply:
    promo = _draft(ctx, data)
    target = services.reach(ctx.uow, promo)
    preview = delivery.render(promo, ctx.t, ctx.options.tz)
    scheduled = promo.starts_at and promo.starts_at > ctx.now
    go = "promo.schedule_button" if scheduled else "promo.send_button"
    # Only the roles that may send get the button; the others save a draft for them.
    sending = (Button(ctx.t(go), "f:go"),) if ctx.actor.seat in BROADCASTERS else ()
    return Reply(
        ctx.t("promo.preview", dealers=len(target.dealers), contacts=target.contacts)
        + "\n\n"
        + preview.text,
        ((*sending, Button(ctx.t("promo.draft_button"), "f:draft")),),
        image=preview.image,
    )


def _answer_confirm(ctx: Ctx, data: Data, value: str) -> str:
    if value not in ("go", "draft"):
        raise UserError("promo.press_button")
    data["action"] = value
    return END


def _finish(ctx: Ctx, data: Data) -> Reply:
    promo = _draft(ctx, data)
    promo = replace(promo, id=ctx.uow.promotions.add(promo, ctx.now))
    if data["action"] == "draft":
        ctx.audit("promo.draft", str(promo.id))
        return Reply(ctx.t("promo.saved_draft", id=promo.id))
    return send_or_schedule(ctx, promo)


def send_or_schedule(ctx: Ctx, promo: Promotion) -> Reply:
    require(ctx, "promo", "send")
    if promo.starts_at and promo.starts_at > ctx.now:
        ctx.uow.promotions.save(replace(promo, status=PromoStatus.SCHEDULED))
        ctx.audit("promo.schedule", str(promo.id))
        when = ctx.t.datetime(promo.starts_at, ctx.options.tz)
        return Reply(ctx.t("promo.scheduled", id=promo.id, when=when))
    target = delivery.send_now(ctx.uow, promo, ctx.now, ctx.options)
    ctx.audit("promo.send", f"{promo.id} contacts={target.contacts}")
    sent = ctx.t("promo.sent", id=promo.id, dealers=len(target.dealers), contacts=target.contacts)
    return receipt(ctx, sent, record(ctx, DecisionKind.BROADCAST, promo.id))


FORM = Form(
    name="promo_new",
    first="title",
    steps={
        "title": Step(_ask_title, _answer_text("title", "body", 200)),
        "body": Step(_ask_body, _answer_text("body", "english", 2000)),
        "english": Step(_ask_english, _answer_english),
        "lines": Step(
            _ask_lines,
            _answer_list("lines", "regions", lambda c: {p.line for p in c.uow.catalog.products()}),
        ),
        "regions": Step(
            _ask_regions,
            _answer_list("regions", "tiers", lambda c: set(c.uow.catalog.region_tree().parents)),
        ),
        "tiers": Step(
            _ask_tiers,
            _answer_list("tiers", "start", lambda c: {d.tier for d in c.uow.catalog.dealers()}),
        ),
        "start": Step(_ask_start, _answer_start),
        "end": Step(_ask_end, _answer_end),
        "fee": Step(_ask_fee, _answer_fee),
        "image": Step(_ask_image, _answer_image),
        "confirm": Step(_ask_confirm, _answer_confirm),
    },
    finish=_finish,
)


def install(router: Router, jobs: Jobs) -> None:
    router.file_step(_image_file, "promo_new", "image")
    router.form(FORM)
