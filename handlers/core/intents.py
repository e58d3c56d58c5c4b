"""Short requests that name an action ("我想投诉", "I want to file a complaint") are offered
that action's command instead of a policy clause."""

from __future__ import annotations

import re
import unicodedata

from domain.identity.actors import Role
from handlers.core.context import Ctx
from handlers.core.i18n import Translator
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


# Greetings and chat fillers: a whole message of one of these is no question.
_FILLER = re.compile(
    r"^\s*(在吗|在不在|在么|有人吗|你好|您好|嗨|哈喽|早上好|下午好|晚上好|好的|好|嗯|嗯嗯|"
    r"收到|知道了|明白|了解|谢谢|多谢|谢了|感谢|辛苦了|"
    r"hi|hello|hey|ok|okay|thanks|thank you|thx|got it|good morning)"
    r"\s*(啊|呀|哈|啦|了|哦|喔|您|你)?\s*[~～。.!！?？,，]*\s*$",
    re.IGNORECASE,
)


def _emoji_only(text: str) -> bool:
    """Only symbols (emoji, their joiners and variation selectors) and spaces."""
    chars = [c for c in text if not c.isspace() and c not in "\u200d\ufe0f"]
    return bool(chars) and all(unicodedata.category(c) in ("So", "Sk", "Sm") for c in chars)


def small_talk(ctx: Ctx, text: str) -> Reply | None:
    """A greeting, a filler, emoji or a number alone outside a form: a hello and the menu."""
    stripped = text.strip()
    number = stripped.isascii() and stripped.isdigit()
    if not (number or _FILLER.match(stripped) or _emoji_only(stripped)):
        return None
    key = "intent.number_alone" if number else "intent.hello"
    return Reply(ctx.t(key) + "\n" + menu(ctx, ctx.t))


def menu(ctx: Ctx, t: Translator) -> str:
    """The commands most used by the asker's role, one line, in `t`'s language."""
    return t("intent.menu_dealer" if ctx.actor.role is Role.DEALER else "intent.menu")


# A question that names one's own figures but asks what the rules are ("卖了多少台才能拿返利？",
# "我们窜货会被处罚吗？") is for policy Q&A, not for the record.
_RULE_WORDS = re.compile(
    r"才能|才可以|才算|能不能|可不可以|会不会|会被|会受|会怎|怎么|如何|什么后果|罚多少|"
    r"返利|奖励|标准|要求|规定|政策|条款|必须|应该|"
    r"\b(what happens|rules?|policy|allowed|must|should)\b",
    re.IGNORECASE,
)


def asks_a_rule(text: str) -> bool:
    return _RULE_WORDS.search(text) is not None


def install(router: Router, jobs: Jobs) -> None:
    router.text(small_talk, priority=5)
    router.text(complaint_intent, priority=20)
