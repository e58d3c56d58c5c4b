"""Talking to the Slack Web API: DM channels, posting replies, uploading and downloading files.

A Slack user's replies and proactive messages go to their direct-message channel with the
bot (conversations.open); a slash command typed elsewhere is answered privately through its
response_url. Errors are mapped to the outbox's RetryLater / Undeliverable / PermanentFailure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.transports.base import PermanentFailure, RetryLater, SendError, Undeliverable
from bot.transports.slack.blocks import escape, render, slack_commands
from handlers.core.messages import Reply

log = logging.getLogger(__name__)

# The user or channel is gone for good: stop writing to it.
GONE = frozenset(
    {
        "account_inactive",
        "channel_not_found",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "not_in_channel",
        "user_not_visible",
        "team_access_not_granted",
    }
)
# Slack's side had a problem (or our token did): worth trying again later.
TRANSIENT = frozenset(
    {
        "ratelimited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "invalid_auth",
        "not_authed",
        "token_expired",
    }
)
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Web API calls wait this long for Slack's answer (the SDK's default, made explicit):
# chat.postMessage has no idempotency key, so a call given up on early and sent again can
# post twice. The outbox lease ([outbox] lease_seconds) must outlast it.
SEND_TIMEOUT = 30


class FileTooLarge(Exception):
    pass


class PartlySent(PermanentFailure):
    """The text went out but an attachment did not; sending again would repeat the text."""


@dataclass(frozen=True, slots=True)
class Profile:
    name: str = ""
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class Destination:
    channel: str  # the user's DM channel with the bot: messages and files
    response_url: str | None = None  # answer privately where a command was typed


def classify(exc: SlackApiError) -> SendError:
    status = exc.response.status_code
    error = str(exc.response.get("error", "") or "")
    if status == 429 or error == "ratelimited":
        return RetryLater(_retry_after(exc.response.headers), f"slack 429 {error}".strip())
    if error in GONE:
        return Undeliverable(error)
    if status >= 500 or error in TRANSIENT:
        return RetryLater(None, error or f"slack HTTP {status}")
    return PermanentFailure(error or f"slack HTTP {status}")


def _retry_after(headers: Any) -> float:
    for key, value in dict(headers or {}).items():
        if str(key).lower() == "retry-after":
            try:
                return max(1.0, float(value if not isinstance(value, list) else value[0]))
            except ValueError:
                break
    return 1.0


class SlackSender:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        token: str,
        api_base_url: str,
        commands: frozenset[str] = frozenset(),
    ) -> None:
        self.client = client
        self.commands = commands  # the app's command names: `/x` is written `/dealer x`
        self._token = token
        self._api_host = urlsplit(api_base_url).hostname or ""
        # Caches of Slack's facts about a user (not business state): DM channel, name, locale.
        self._dm: dict[str, str] = {}
        self._profiles: dict[str, Profile] = {}

    async def dm_channel(self, user: str) -> str:
        channel = self._dm.get(user)
        if channel is None:
            resp = await self.client.conversations_open(users=user)
            channel = self._dm[user] = resp["channel"]["id"]
        return channel

    async def profile(self, user: str) -> Profile:
        """Name and locale (users.info, scope users:read); empty when Slack will not say."""
        found = self._profiles.get(user)
        if found is not None:
            return found
        try:
            resp = await self.client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:  # e.g. missing_scope: do without, and do not ask again
            log.info("slack users.info for %s: %s", user, exc.response.get("error"))
            self._profiles[user] = Profile()
            return self._profiles[user]
        except (aiohttp.ClientError, TimeoutError):
            return Profile()
        info = resp.get("user") or {}
        name = (info.get("profile") or {}).get("display_name") or info.get("real_name") or ""
        self._profiles[user] = Profile(str(name), info.get("locale"))
        return self._profiles[user]

    async def send(self, chat_id: str, reply: Reply) -> None:
        """The outbox's sender: one proactive message to a Slack DM channel (or user id)."""
        try:
            channel = chat_id
            if chat_id[:1] in ("U", "W") or ":" in chat_id:  # a user id, maybe "<team>:<user>"
                channel = await self.dm_channel(chat_id.rpartition(":")[2])
            await self.post(Destination(channel), reply)
        except SlackApiError as exc:
            raise classify(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryLater(None, f"network: {exc!r}") from exc

    async def post(self, dest: Destination, reply: Reply) -> None:
        """Post one reply: text and buttons as a message, then image and document as files.

        A reply with files and no buttons goes out as one upload with the text as its
        comment, so a failure never leaves half a message behind.
        """
        files = [a for a in (reply.image, reply.document) if a is not None]
        posted = False
        if dest.response_url and await self._respond(dest.response_url, reply):
            posted = True
        elif reply.buttons or not files:
            await self.client.chat_postMessage(channel=dest.channel, **render(reply, self.commands))
            posted = True
        if not files:
            return
        try:
            await self.client.files_upload_v2(
                channel=dest.channel,
                file_uploads=[
                    {"file": a.content, "filename": a.filename, "title": a.filename} for a in files
                ],
                initial_comment=None
                if posted
                else escape(slack_commands(reply.text, self.commands)),
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            if posted:
                raise PartlySent(f"text sent, files failed: {exc!r}") from exc
            raise

    async def _respond(self, url: str, reply: Reply, **extra: Any) -> bool:
        body = {
            "response_type": "ephemeral",
            "replace_original": False,
            **render(reply, self.commands),
        }
        return await self.respond_raw(url, {**body, **extra})

    async def respond_raw(self, url: str, body: dict[str, Any]) -> bool:
        try:
            resp = await AsyncWebhookClient(url, retry_handlers=[]).send_dict(body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack response_url failed: %r", exc)
            return False
        if resp.status_code != 200:
            log.warning("slack response_url answered %s %s", resp.status_code, resp.body[:100])
        return resp.status_code == 200

    async def file_info(self, file_id: str) -> dict[str, Any]:
        resp = await self.client.files_info(file=file_id)
        return resp["file"]

    async def download(self, file: dict[str, Any], limit: int = MAX_DOWNLOAD_BYTES) -> bytes:
        """A user's upload, fetched with the bot token (only ever sent to Slack's own hosts)."""
        if int(file.get("size") or 0) > limit:
            raise FileTooLarge(file.get("name", ""))
        url = file.get("url_private_download") or file.get("url_private") or ""
        host = urlsplit(url).hostname or ""
        if not (host == self._api_host or host == "slack.com" or host.endswith(".slack.com")):
            raise PermanentFailure(f"refusing to send the bot token to {host!r}")
        headers = {"Authorization": f"Bearer {self._token}"}
        timeout = aiohttp.ClientTimeout(total=60)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers=headers) as resp,
        ):
            resp.raise_for_status()
            if resp.content_type == "text/html":  # Slack's login page: the token was refused
                raise PermanentFailure("slack returned a login page for the file")
            data = bytearray()
            async for chunk in resp.content.iter_chunked(64 * 1024):
                data += chunk
                if len(data) > limit:
                    raise FileTooLarge(file.get("name", ""))
            return bytes(data)
