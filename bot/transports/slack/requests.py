"""What happens to one Slack request after the ack: run it once, answer it, owe nothing.

A request comes from the inbox (bot/transports/slack/service.py stored it before the ack,
once), is handed to the core, and its replies posted through bot/transports/direct_replies.py:
a reply Slack cannot take now goes to the outbox. Uploaded files are downloaded with the bot
token and handed to the core as `Inbound.file`; one upload arrives as two events, so a file is
claimed by its own key (not in flight here, not stored as handled) and handled once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.transports.base import PermanentFailure, RetryLater, SendError
from bot.transports.direct_replies import DirectReplies, PartlyDelivered
from bot.transports.slack.blocks import pressed, render
from bot.transports.slack.inbound import PLATFORM, Request, file_key
from bot.transports.slack.sender import Destination, FileTooLarge, PartlySent, SlackSender, classify
from domain.shared.clock import Clock
from domain.shared.ports import UnitOfWork
from handlers.core.conversation import Conversation
from handlers.core.i18n import Translator
from handlers.core.messages import Attachment, Inbound, Reply

log = logging.getLogger(__name__)


class SlackRequests:
    def __init__(
        self,
        conversation: Conversation,
        sender: SlackSender,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        default_locale: str,
    ) -> None:
        self.conversation = conversation
        self.sender = sender
        self.uow_factory = uow_factory
        self.clock = clock
        self.default_locale = default_locale
        self.replies = DirectReplies(PLATFORM, uow_factory, clock)
        self._inflight: set[str] = set()

    async def handle(self, request: Request) -> None:
        dm = request.channel if request.in_dm else await self.sender.dm_channel(request.user)
        profile = await self.sender.profile(request.user)
        request = replace(
            request,
            display_name=request.display_name or profile.name,
            language=profile.locale,
        )
        if request.files:
            await self._handle_files(request, dm)
            return
        # Files go to the DM; text answers where the user typed (privately) unless that is the DM.
        where = None if request.channel == dm else request.response_url
        dest = Destination(dm, where)
        if request.message is not None and request.response_url:
            await self._mark_pressed(request)
        await self._answer(request.inbound(dm), dest, request)

    async def _handle_files(self, request: Request, dm: str) -> None:
        if request.channel and request.channel != dm:
            return  # files shared in channels are not for the bot
        for file in request.files:
            key = file_key(request.team, file["id"])
            async with self._claim(key) as fresh:
                if fresh:
                    await self._handle_file(request, dm, file, key)

    async def _handle_file(self, request: Request, dm: str, file: dict[str, Any], key: str) -> None:
        try:
            if "url_private" not in file and "url_private_download" not in file:
                file = await self.sender.file_info(file["id"])
            content = await self.sender.download(file)
        except FileTooLarge:
            await self._tell(request, dm, "slack.file_too_large", name=file.get("name", ""))
            return
        except (SlackApiError, PermanentFailure, OSError, TimeoutError) as exc:
            log.warning("slack file download failed: %r", exc)
            await self._tell(request, dm, "slack.file_download_failed")
            return
        mime = file.get("mimetype") or "application/octet-stream"
        attachment = Attachment(file.get("name") or "file", content, mime)
        await self._answer(request.inbound(dm, file=attachment, key=key), Destination(dm))

    @contextlib.asynccontextmanager
    async def _claim(self, key: str) -> AsyncIterator[bool]:
        """True if this request is new: not being handled now, not handled before."""
        if key in self._inflight:
            yield False  # a retry of a request still being handled
            return
        self._inflight.add(key)
        try:
            seen = await asyncio.to_thread(self._seen, key)
            if seen:
                log.info("slack request %s already handled; not answering twice", key)
            yield not seen
        finally:
            self._inflight.discard(key)

    async def _answer(
        self, inbound: Inbound, dest: Destination, request: Request | None = None
    ) -> None:
        replies = await self.conversation.handle_async(inbound)  # the core, in a thread
        if request is not None and request.message is not None and request.response_url:
            replies = [r for r in replies if not await self._replace_pressed(request, r)]
        await self._deliver(replies, dest, inbound.dedupe_key or "")

    async def _replace_pressed(self, request: Request, reply: Reply) -> bool:
        """Put `reply` in the pressed message's place (chat.update through its response_url);
        False if it is not meant to, or Slack refused (then it goes out as a new message)."""
        if not reply.replaces_pressed or request.response_url is None:
            return False
        body = {"replace_original": True, **render(reply, self.sender.commands)}
        return await self.sender.respond_raw(request.response_url, body)

    async def _deliver(self, replies: list[Reply], dest: Destination, key: str) -> None:
        """Answer now; what Slack cannot take now, the outbox delivers later (to the DM)."""
        await self.replies.deliver(dest.channel, replies, key, lambda r: self._post(dest, r))

    async def _post(self, dest: Destination, reply: Reply) -> None:
        """One reply, its failures as the outbox's errors."""
        try:
            await self.sender.post(dest, reply)
        except PartlySent as exc:  # the text is out: only the files are still owed
            rest = Reply("", image=reply.image, document=reply.document)
            raise PartlyDelivered(rest, repr(exc.__cause__ or exc)) from exc
        except SlackApiError as exc:
            raise classify(exc) from exc
        except SendError:
            raise
        except Exception as exc:  # network: try again through the outbox
            raise RetryLater(None, f"network: {exc!r}") from exc

    async def _mark_pressed(self, request: Request) -> None:
        """Replace the pressed buttons with the choice, so a second press is not offered."""
        body = pressed(request.message or {}, request.pressed_label)
        if body is not None and request.response_url:
            await self.sender.respond_raw(request.response_url, {"replace_original": True, **body})

    async def _tell(self, request: Request, dm: str, key: str, **params: Any) -> None:
        locale = await asyncio.to_thread(self._locale, request.user_id)
        reply = Reply(Translator(locale)(key, **params))
        await self._deliver([reply], Destination(dm), f"{request.key}:{key}")

    # -- database (in a thread) ----------------------------------------------------------

    def _seen(self, key: str) -> bool:
        with self.uow_factory() as uow:
            return uow.inbound.replies_for(key) is not None

    def _locale(self, user_id: str) -> str:
        with self.uow_factory() as uow:
            actor = uow.identities.find(PLATFORM, user_id)
        return (actor.locale if actor else None) or self.default_locale
