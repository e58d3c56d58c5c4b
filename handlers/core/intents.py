"""Short requests that name an action ("我想投诉", "I want to file a complaint") are offered
that action's command instead of a policy clause."""

from __future__ import annotations

import re

from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.jobs import Jobs
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button, Reply
from handlers.core.router import Router

_WANT_ZH = r"(我想|我要|想要|要|帮我|请帮我|需要|申请)"
_COMPLAINT = re.compile(
    rf"^\s*{_WANT_ZH}?\s*(投诉|售后|报修|退货|换货|退换货)[。.!！]?\s*$"
    r"|^\s*(i\s+(want|would like|need)\s+to\s+)?(file|make|open|lodge)\s+an?\s+"
    r"(complaint|after-sales case|return)[.!]?\s*$",
    re.IGNORECASE,
)


def complaint_intent(ctx: Ctx, text: str) -> Reply | None:
    """A dealer saying they want to complain gets the complaint form one tap away."""
    if ctx.actor.role is not Role.DEALER or not _COMPLAINT.match(text):
        return None
    buttons = [Button(ctx.t("intent.start_complaint"), "c:complaint")]
    ask = f"c:ask {text.strip()}"
    if len(ask.encode("utf-8")) <= MAX_PAYLOAD_BYTES:
        buttons.append(Button(ctx.t("intent.ask_instead"), ask))
    return Reply(ctx.t("intent.complaint"), (tuple(buttons),))


def install(router: Router, jobs: Jobs) -> None:
    router.text(complaint_intent, priority=20)
