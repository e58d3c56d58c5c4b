"""Reply -> Slack message (Block Kit), and Slack text -> plain text.

Reply text is platform-neutral plain text, so it goes into `plain_text` sections (nothing the
core writes is taken as Slack markup); buttons become one `actions` block per row whose
button `value` is the Button payload.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from handlers.core.messages import Reply

ACTION_PREFIX = "dealerbot:"
SECTION_LIMIT = 3000  # characters in one section's text
BUTTON_LABEL_LIMIT = 75
FALLBACK_LIMIT = 3000  # the notification text; the blocks carry the whole reply
MAX_BLOCKS = 50

_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>")
_ANGLE = re.compile(r"<([^<>]+)>")


def escape(text: str) -> str:
    """Slack's three control characters, as its `text` fields require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """What the user typed: links and mentions to their visible text, entities decoded."""
    text = _LINK.sub(r"\2", text)
    text = _ANGLE.sub(lambda m: m.group(1).lstrip("#@!"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@lru_cache(maxsize=4)
def _command_pattern(names: frozenset[str]) -> re.Pattern[str]:
    words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w/:.])[/／]({words})(?![\w-])", re.IGNORECASE)


def slack_commands(text: str, names: frozenset[str], command: str = "/dealer") -> str:
    """The core writes `/report ...`; on Slack the user types `/dealer report ...` (`names`:
    the app's command names and aliases)."""
    if not names:
        return text
    return _command_pattern(names).sub(lambda m: f"{command} {m.group(1)}", text)


def _chunks(text: str, size: int) -> list[str]:
    """Split at line ends where possible so a section never breaks a line in two."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > 0 else size
        out.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text or not out:
        out.append(text)
    return out


def render(reply: Reply, commands: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / a response_url body: text and blocks
    (`/report` written as `/dealer report` for every name in `commands`)."""
    text = slack_commands(reply.text.strip(), commands) or "…"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "plain_text", "text": chunk, "emoji": True}}
        for chunk in _chunks(text, SECTION_LIMIT)
    ]
    for r, row in enumerate(reply.buttons):
        elements = [
            {
                "type": "button",
                "action_id": f"{ACTION_PREFIX}{r}:{i}",  # unique within the message
                "text": {"type": "plain_text", "text": b.label[:BUTTON_LABEL_LIMIT], "emoji": True},
                "value": b.payload,
            }
            for i, b in enumerate(row)
        ]
        if elements:
            blocks.append({"type": "actions", "block_id": f"row{r}", "elements": elements})
    actions = [b for b in blocks if b["type"] == "actions"]
    if len(blocks) > MAX_BLOCKS:  # an enormous text: keep the buttons, cut the text
        blocks = blocks[: MAX_BLOCKS - len(actions)] + actions
    return {"text": escape(text[:FALLBACK_LIMIT]), "blocks": blocks}


def pressed(message: dict[str, Any], label: str) -> dict[str, Any] | None:
    """The pressed message with its buttons replaced by the choice, or None if it had none."""
    blocks = message.get("blocks") or []
    kept = [b for b in blocks if b.get("type") != "actions"]
    if len(kept) == len(blocks):
        return None
    choice = {"type": "plain_text", "text": f"→ {label}"[:SECTION_LIMIT], "emoji": True}
    kept.append({"type": "context", "elements": [choice]})
    return {"text": message.get("text") or "…", "blocks": kept}
