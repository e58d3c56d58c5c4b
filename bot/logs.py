"""Logging for the command line: `-v` shows dealerbot's own debug lines, never a secret.

Under `-v` the libraries stay at INFO: at DEBUG python-telegram-bot, aiohttp and Bolt log
every request and update whole (the bot token is in every Bot API URL, setWebhook carries
the webhook secret, an update carries the user's `/start` code). Whatever still reaches a
handler is redacted as it is written: the secrets of the loaded settings, anything shaped
like a Telegram or Slack token, a password in a database URL, and link codes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import IO

from pydantic import BaseModel, SecretStr

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "[redacted]"

# Loggers of the libraries: at DEBUG they print requests, headers and payloads.
LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "aiohttp",
    "slack_bolt",
    "slack_sdk",
    "bot.transports.slack.service.bolt",  # Bolt's logger, as the Slack transport names it
    "apscheduler",
    "asyncio",
    "urllib3",
    "websockets",
    "alembic",
    "matplotlib",
    "PIL",
    "jieba",
)

_SHAPES = (
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),  # a Telegram token, also in /bot<token>/
    re.compile(r"\bx(?:ox[abposr]|app)-[A-Za-z0-9-]{8,}"),  # Slack bot, user and app tokens
)
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
# `/start CODE` (Telegram, console), "start CODE" as Slack's command text (JSON or a form
# body), `?start=CODE` (a deep link).
_START_CODES = (
    re.compile(r"(/start(?:@\w+)?(?:\s+|\+|%20))[^\s\"'&\\]+"),
    re.compile(r"((?:[\"'=]|\btext:\s*)start(?:\s+|\+|%20))[^\s\"'&\\]+", re.IGNORECASE),
    re.compile(r"([?&]start=)[^\s\"'&\\]+"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, HIDDEN)
    for shape in _SHAPES:
        text = shape.sub(HIDDEN, text)
    text = _URL_PASSWORD.sub(rf"\1{HIDDEN}@", text)
    for pattern in _START_CODES:
        text = pattern.sub(rf"\1{HIDDEN}", text)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes secrets from the whole line (tracebacks included)."""

    def __init__(self, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        # Longest first, so a secret containing another is hidden whole.
        return redact(super().format(record), sorted(self.secrets, key=len, reverse=True))


class _Handler(logging.StreamHandler):
    """The handler `configure` installs (so a second call replaces it)."""


def configure(verbose: bool, stream: IO[str] | None = None) -> logging.Handler:
    """Log to stderr (or `stream`): WARNING, or under `verbose` DEBUG with libraries at INFO."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    handler = _Handler(stream)
    handler.setFormatter(RedactingFormatter())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.NOTSET)
    # SQLAlchemy's INFO is every statement with its parameters (phones, codes): never.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING if verbose else logging.NOTSET)
    return handler


def hide_secrets(settings: BaseModel) -> None:
    """Redact every secret of `settings` (each SecretStr, at any depth) from the log."""
    found = set(_secret_values(settings))
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _Handler) and isinstance(handler.formatter, RedactingFormatter):
            handler.formatter.secrets |= found


def _secret_values(model: BaseModel) -> Iterable[str]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            if len(secret := value.get_secret_value()) >= 4:  # "" or "x" would hide everything
                yield secret
        elif isinstance(value, BaseModel):
            yield from _secret_values(value)
