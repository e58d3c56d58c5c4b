"""One Telegram update answered: a button press acknowledged, a file downloaded, the update
handed to the core as an Inbound and its replies sent; what is not for the bot (a group, an
unsupported message) gets a short answer, and a failure an apology with its reference."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.transports.telegram.mapping import (
    MAX_DOWNLOAD,
    MAX_TEXT,
    FileRef,
    file_ref,
    in_private_chat,
    keyboard,
)
from handlers.core.i18n import Translator, normalize_locale
from handlers.core.messages import Attachment, Inbound, Reply

log = logging.getLogger(__name__)


class Answering:
    def __init__(
        self,
        bot: ExtBot,
        default_locale: str,
        *,
        key: Callable[[Update], str],
        to_inbound: Callable[[Update, Attachment | None], Inbound | None],
        handle: Callable[[Inbound], Awaitable[list[Reply]]],
        reply: Callable[..., Awaitable[None]],  # (chat_id, replies, key=None)
    ) -> None:
        self.bot = bot
        self.default_locale = default_locale
        self.key = key
        self.to_inbound = to_inbound
        self.handle = handle
        self.reply = reply

    async def answer(self, update: Update) -> None:
        """Answer one update; a failure is logged with a reference and apologised for."""
        chat = update.effective_chat
        user = update.effective_user
        locale = normalize_locale(user.language_code if user else None)
        key = self.key(update)
        try:
            if update.callback_query is not None:
                await self._acknowledge_press(update)
            if chat is not None and not in_private_chat(update):
                await self.reply(str(chat.id), [Reply(self._t(locale)("private.only"))])
                return
            attachment = None
            ref = file_ref(update)
            if ref is not None:
                attachment = await self._download(ref, str(chat.id) if chat else "", locale)
                if attachment is None:
                    return
            inbound = self.to_inbound(update, attachment)
            if inbound is None:
                return
            if inbound.payload is None and inbound.file is None and not inbound.text:
                unsupported = Reply(self._t(locale)("telegram.unsupported"))
                await self.reply(inbound.chat_id, [unsupported], key)
                return
            replies = await self.handle(inbound)
            if update.callback_query is not None:
                replies = [r for r in replies if not await self._replace_pressed(update, r)]
            await self.reply(inbound.chat_id, replies, inbound.dedupe_key)
        except Exception:
            ref_id = uuid.uuid4().hex[:8]
            log.exception("telegram update %s failed ref=%s", update.update_id, ref_id)
            if chat is not None:
                apology = self._t(locale)("error.internal", ref=ref_id)
                await self.reply(str(chat.id), [Reply(apology)], f"{key}:apology")

    def _t(self, locale: str | None) -> Translator:
        return Translator(locale or self.default_locale)

    async def _acknowledge_press(self, update: Update) -> None:
        """Stop the button's spinner and take the keyboard away so it cannot be pressed twice."""
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()
            if query.message is not None and query.message.is_accessible:
                await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.debug("callback query %s housekeeping failed: %r", query.id, exc)

    async def _replace_pressed(self, update: Update, reply: Reply) -> bool:
        """Edit the pressed message into `reply` (a decided card); False if it is not meant to
        or Telegram refused, and then it is sent as a new message."""
        query = update.callback_query
        if not reply.replaces_pressed or query is None or reply.image or reply.document:
            return False
        if query.message is None or not query.message.is_accessible:
            return False
        try:
            await query.edit_message_text(
                text=reply.text[:MAX_TEXT], reply_markup=keyboard(reply.buttons)
            )
        except TelegramError as exc:
            log.info("editing pressed message failed, sending anew: %r", exc)
            return False
        return True

    async def _download(self, ref: FileRef, chat_id: str, locale: str | None) -> Attachment | None:
        t = self._t(locale)
        if ref.size is not None and ref.size > MAX_DOWNLOAD:
            mb = MAX_DOWNLOAD // (1024 * 1024)
            await self.reply(chat_id, [Reply(t("telegram.file_too_big", max_mb=mb))])
            return None
        try:
            file = await self.bot.get_file(ref.file_id)
            content = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            ref_id = uuid.uuid4().hex[:8]
            log.warning("download of %s failed ref=%s: %r", ref.file_id, ref_id, exc)
            await self.reply(chat_id, [Reply(t("telegram.download_failed", ref=ref_id))])
            return None
        return Attachment(ref.filename, content, ref.mime)
