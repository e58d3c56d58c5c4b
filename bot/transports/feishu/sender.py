"""Talking to the Feishu open platform (im/v1, contact/v3) through the official SDK.

The SDK's calls block (requests), so they run in a small pool of threads of their own. Every
message is created with a `uuid` made from its outbox or reply key: Feishu keeps one message
per uuid (for an hour), so a send repeated after a timeout or a crash is not a second
message, and a reply is sent whole again rather than in the parts still owed.

Errors: HTTP 429 or code 99991400 wait `x-ogw-ratelimit-reset` seconds (keyed on the status
and that header: the SDK's own classifier files 99991400 under auth); the codes below mean
the user or chat is gone; 5xx, network failures and token trouble are tried again; any
other refusal is final.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid as uuidlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import lark_oapi as lark
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import (
    CreateFileRequest,
    CreateFileRequestBody,
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    GetMessageResourceRequest,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)

from bot.transports.base import PermanentFailure, RetryLater, SendError, Undeliverable
from bot.transports.feishu.cards import Outgoing, render
from bot.transports.feishu.inbound import FileRef
from handlers.core.messages import Attachment, Reply

log = logging.getLogger(__name__)

RATE_LIMITED = 99991400
GONE = frozenset({230002, 230005, 230017, 230020})  # bot not in the chat, user left/gone...
TOKEN_TROUBLE = frozenset({99991661, 99991663, 99991664, 99991665, 99991668})
RESET_HEADER = "x-ogw-ratelimit-reset"
TIMEOUT = 30.0  # seconds per call; the outbox lease outlasts it
MAX_DOWNLOAD = 30 * 1024 * 1024
UUID_SPACE = uuidlib.UUID("6f1b3c1e-5d0a-4c55-9a63-0f2c9d3e7a11")
FILE_TYPES = {".xlsx": "xls", ".xls": "xls", ".pdf": "pdf", ".doc": "doc", ".docx": "doc"}


@dataclass(frozen=True, slots=True)
class Failure:
    status: int
    code: int
    msg: str
    reset: float | None = None


def message_uuid(key: str) -> str:
    """The im/v1 `uuid` of a message (at most 50 characters) from its key."""
    return str(uuidlib.uuid5(UUID_SPACE, key))


def classify(failure: Failure) -> SendError:
    what = f"feishu HTTP {failure.status} code {failure.code}: {failure.msg}".strip()
    if failure.status == 429 or failure.code == RATE_LIMITED:
        return RetryLater(failure.reset or 1.0, what)
    if failure.code in GONE:
        return Undeliverable(what)
    if failure.status >= 500 or failure.code in TOKEN_TROUBLE or failure.status == 0:
        return RetryLater(None, what)
    return PermanentFailure(what)


def _reset(headers: dict[str, Any] | None) -> float | None:
    for key, value in (headers or {}).items():
        if str(key).lower() == RESET_HEADER:
            try:
                return max(0.2, float(value))
            except (TypeError, ValueError):
                return None
    return None


def _check(resp: Any) -> Any:
    """The response if it succeeded; else the failure as the outbox's error."""
    raw = getattr(resp, "raw", None)
    status = int(getattr(raw, "status_code", 0) or 0)
    if status == 200 and resp.code == 0:
        return resp
    headers = getattr(raw, "headers", None)
    raise classify(Failure(status, int(resp.code or 0), str(resp.msg or ""), _reset(headers)))


def _part(attachment: Attachment) -> Any:
    """A multipart file part with its name and type (a bare stream would go without them)."""
    name = attachment.filename or "file"
    return (name, io.BytesIO(attachment.content), attachment.mime or "application/octet-stream")


class FeishuSender:
    def __init__(self, app_id: str, app_secret: str, domain: str, threads: int = 16) -> None:
        self.client = (
            lark.Client.builder()
            .app_id(app_id)
            .app_secret(app_secret)
            .domain(domain.rstrip("/"))
            .timeout(TIMEOUT)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="feishu-http")
        self._names: dict[str, str] = {}  # open_id -> display name (Feishu's, not ours)
        self.cards: dict[str, str] = {}  # message_id -> text of a card sent by this process

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _call(self, func, *args: Any) -> Any:
        try:
            resp = await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)
        except SendError:
            raise
        except Exception as exc:  # the network, or a body that is not JSON (a proxy's 502)
            raise RetryLater(None, f"feishu: {exc!r}") from exc
        return _check(resp)

    # -- messages --------------------------------------------------------------------------

    async def post(self, open_id: str, reply: Reply, key: str, reply_to: str = "") -> None:
        """Send one reply: its text (and buttons), then its image and document, each message
        under a uuid from `key`, so sending the whole reply again repeats none of it.

        `reply_to` quotes the user's message, when the reply is one message: a reply of
        several that fails part-way is sent whole again by the outbox, as new messages, and
        their first part must then be the same call as before for its uuid to count."""
        parts = render(reply)
        single = len(parts) == 1 and reply.image is None and reply.document is None
        for n, part in enumerate(parts):
            await self._message(
                open_id, part, message_uuid(f"{key}:{n}"), reply_to if single else ""
            )
        n = len(parts)
        if reply.image is not None:
            image_key = await self._upload_image(reply.image)
            content = json.dumps({"image_key": image_key})
            await self._message(open_id, Outgoing("image", content), message_uuid(f"{key}:{n}"))
            n += 1
        if reply.document is not None:
            file_key = await self._upload_file(reply.document)
            content = json.dumps({"file_key": file_key})
            await self._message(open_id, Outgoing("file", content), message_uuid(f"{key}:{n}"))

    async def _message(self, open_id: str, part: Outgoing, uuid: str, reply_to: str = "") -> str:
        if reply_to:
            body = ReplyMessageRequestBody.builder().msg_type(part.msg_type).content(part.content)
            request = (
                ReplyMessageRequest.builder()
                .message_id(reply_to)
                .request_body(body.uuid(uuid).build())
                .build()
            )
            resp = await self._call(self.client.im.v1.message.reply, request)
        else:
            body = (
                CreateMessageRequestBody.builder()
                .receive_id(open_id)
                .msg_type(part.msg_type)
                .content(part.content)
                .uuid(uuid)
                .build()
            )
            request = (
                CreateMessageRequest.builder().receive_id_type("open_id").request_body(body).build()
            )
            resp = await self._call(self.client.im.v1.message.create, request)
        message_id = str(resp.data.message_id or "")
        if part.msg_type == "interactive" and message_id:
            self._keep_card(message_id, part.text)
        return message_id

    def _keep_card(self, message_id: str, text: str) -> None:
        self.cards[message_id] = text
        while len(self.cards) > 2000:  # the oldest first
            self.cards.pop(next(iter(self.cards)))

    async def patch(self, message_id: str, content: str) -> None:
        """Update a card sent earlier (for everyone it was shown to)."""
        body = PatchMessageRequestBody.builder().content(content).build()
        request = PatchMessageRequest.builder().message_id(message_id).request_body(body).build()
        await self._call(self.client.im.v1.message.patch, request)

    # -- files -------------------------------------------------------------------------------

    async def _upload_image(self, image: Attachment) -> str:
        body = CreateImageRequestBody.builder().image_type("message").image(_part(image)).build()
        request = CreateImageRequest.builder().request_body(body).build()
        resp = await self._call(self.client.im.v1.image.create, request)
        return str(resp.data.image_key)

    async def _upload_file(self, document: Attachment) -> str:
        name = document.filename or "file"
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        body = (
            CreateFileRequestBody.builder()
            .file_type(FILE_TYPES.get(suffix, "stream"))
            .file_name(name)
            .file(_part(document))
            .build()
        )
        request = CreateFileRequest.builder().request_body(body).build()
        resp = await self._call(self.client.im.v1.file.create, request)
        return str(resp.data.file_key)

    async def download(self, ref: FileRef) -> bytes:
        """A user's image or file, from the message it came in."""
        request = (
            GetMessageResourceRequest.builder()
            .message_id(ref.message_id)
            .file_key(ref.key)
            .type(ref.kind)
            .build()
        )
        resp = await self._call(self.client.im.v1.message_resource.get, request)
        data = resp.file.read() if resp.file is not None else b""
        if len(data) > MAX_DOWNLOAD:
            raise PermanentFailure(f"file over {MAX_DOWNLOAD} bytes")
        return data

    # -- people ------------------------------------------------------------------------------

    async def name(self, open_id: str) -> str:
        """The user's name in Feishu ('' when the app may not read contacts)."""
        if open_id in self._names:
            return self._names[open_id]
        request = GetUserRequest.builder().user_id(open_id).user_id_type("open_id").build()
        try:
            resp = await self._call(self.client.contact.v3.user.get, request)
            user = resp.data.user if resp.data is not None else None
            name = str(getattr(user, "name", "") or "")
        except SendError as exc:
            log.debug("feishu contact lookup of %s failed: %r", open_id, exc)
            name = ""
        self._names[open_id] = name
        return name
