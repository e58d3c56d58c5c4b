"""Telegram <-> platform-neutral messages: Update -> Inbound at the edge, Reply -> Bot API calls.

Nothing here knows about business rules; SDK types stay inside `bot/`.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.transports.base import PermanentFailure, RetryLater, SendError, Undeliverable
from handlers.core.i18n import SUPPORTED, Translator
from handlers.core.messages import Attachment, Button, Inbound, Reply
from handlers.core.router import Router

PLATFORM = "telegram"
MAX_TEXT = 4096  # sendMessage text limit
MAX_CAPTION = 1024  # sendPhoto / sendDocument caption limit
MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
MENU_LANGUAGES = {"zh_CN": "zh", "en": "en"}  # catalog locale -> Telegram language_code


def dedupe_key(bot_id: int, update_id: int) -> str:
    return f"tg:{bot_id}:{update_id}"


# -- in ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the user sent that still has to be downloaded."""

    file_id: str
    filename: str
    mime: str
    size: int | None


def file_ref(update: Update) -> FileRef | None:
    message = update.effective_message
    if message is None or update.callback_query is not None:
        return None
    if message.document is not None:
        doc = message.document
        return FileRef(
            doc.file_id,
            doc.file_name or "document",
            doc.mime_type or "application/octet-stream",
            doc.file_size,
        )
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return FileRef(largest.file_id, "photo.jpg", "image/jpeg", largest.file_size)
    return None


def in_private_chat(update: Update) -> bool:
    """Only one-to-one chats are served: a group would see dealers' data and alerts."""
    chat = update.effective_chat
    return chat is None or chat.type == Chat.PRIVATE


def private_chat_id(chat_id: str) -> str:
    """`chat_id` if it is a private chat; a group's (ids below zero) is never written to.

    Identities linked before groups were refused may still name one.
    """
    if chat_id.strip().startswith("-"):
        raise Undeliverable(f"chat {chat_id} is a group; messages go to private chats only")
    return chat_id


def lane_key(update: Update) -> str | None:
    """Updates of one user are handled in order; None when the update has no user."""
    user = update.effective_user
    return str(user.id) if user is not None else None


def to_inbound(update: Update, bot_id: int, file: Attachment | None = None) -> Inbound | None:
    """The Inbound for a message or a button press; None for updates the bot ignores."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot or not in_private_chat(update):
        return None
    common = {
        "platform": PLATFORM,
        "chat_id": str(chat.id),
        "user_id": str(user.id),
        "display_name": user.full_name,
        "dedupe_key": dedupe_key(bot_id, update.update_id),
        "language_hint": user.language_code,
    }
    if update.callback_query is not None:
        return Inbound(payload=update.callback_query.data or "", **common)
    message = update.message
    if message is None:  # edited messages, channel posts, member updates
        return None
    if file is not None:
        return Inbound(text=message.caption or "", file=file, **common)
    return Inbound(text=message.text or "", **common)


# -- out -----------------------------------------------------------------------------------


def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row] for row in buttons]
    )


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut long text at line breaks where possible so each piece fits one message."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces


# A send whose answer is late is not a failed send: given up on after the default 5 s it was
# sent again (the Bot API has no idempotency key, so nothing stops the second copy). Sends
# wait this long for the answer; the outbox lease ([outbox] lease_seconds) must outlast it.
SEND_READ_TIMEOUT = 30.0


def reply_calls(bot: Bot, chat_id: str, reply: Reply) -> list[Callable[[], Awaitable[Any]]]:
    """One Reply as Bot API calls, in order: text pieces, then the image or document.

    The buttons go on the last call. Each call raises the SDK's TelegramError; callers
    decide what to retry (see `as_send_error`).
    """
    markup = keyboard(reply.buttons)
    attachment = reply.image or reply.document
    texts = split_text(reply.text) if reply.text else []
    caption = None
    if attachment is not None and texts and len(texts[-1]) <= MAX_CAPTION:
        caption = texts.pop()
    if attachment is None and not texts:
        texts = ["…"]  # the Bot API refuses empty text
    calls: list[Callable[[], Awaitable[Any]]] = []
    for n, piece in enumerate(texts):
        last = n == len(texts) - 1 and attachment is None
        calls.append(
            partial(
                bot.send_message,
                chat_id,
                piece,
                reply_markup=markup if last else None,
                read_timeout=SEND_READ_TIMEOUT,
            )
        )
    if attachment is not None:
        method = bot.send_photo if reply.image is not None else bot.send_document
        calls.append(
            partial(
                method,
                chat_id,
                InputFile(attachment.content, filename=attachment.filename),
                caption=caption,
                reply_markup=markup,
                read_timeout=SEND_READ_TIMEOUT,
            )
        )
    return calls


async def send_reply(bot: Bot, chat_id: str, reply: Reply) -> None:
    for call in reply_calls(bot, chat_id, reply):
        await call()


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form is going away
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def as_send_error(exc: TelegramError) -> SendError:
    """The outbox's view of a Bot API failure."""
    if isinstance(exc, RetryAfter):
        return RetryLater(retry_after_seconds(exc), str(exc))
    if isinstance(exc, Forbidden):
        return Undeliverable(str(exc))
    if isinstance(exc, BadRequest | ChatMigrated):  # BadRequest is a NetworkError subclass
        return PermanentFailure(str(exc))
    if isinstance(exc, NetworkError):  # TimedOut included
        return RetryLater(None, str(exc) or type(exc).__name__)
    return RetryLater(None, str(exc) or type(exc).__name__)


# -- the command menu ----------------------------------------------------------------------


def menu(router: Router, locale: str) -> list[BotCommand]:
    """Every command of the app with its catalog description, in the router's order."""
    t = Translator(locale)
    commands = router.ordered()
    return [
        BotCommand(c.name, t(c.help_key)[:256])
        for c in commands
        if c.name.isascii() and c.name.replace("_", "").isalnum() and len(c.name) <= 32
    ]


def menus(router: Router, default_locale: str) -> list[tuple[str | None, list[BotCommand]]]:
    """(language_code, commands) pairs: one per catalog language plus the default menu."""
    pairs: list[tuple[str | None, list[BotCommand]]] = [(None, menu(router, default_locale))]
    pairs += [
        (MENU_LANGUAGES[loc], menu(router, loc)) for loc in SUPPORTED if loc in MENU_LANGUAGES
    ]
    return pairs
