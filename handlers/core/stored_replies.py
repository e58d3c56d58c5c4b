"""Replies as they are stored with a dedupe key: small, with attachments by name only.

The replies of an update are kept to answer its redelivery. Their images and documents
(ticket photos, target charts, XLSX exports) are not: as base64 in that table ten views of a
five-photo ticket took 350 MB. The photos are stored with their ticket already, and charts
and exports are drawn from stored data, so on redelivery the core handles the update again
in a transaction it rolls back, and `refill` puts the fresh bytes back into the stored
replies, matched by slot, file name and type in order. The stored text stays what the user
was first told; a file that cannot be made again any more is left out and said so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.core.i18n import Translator
from handlers.core.messages import Attachment, Reply

SLOTS = ("image", "document")


def stored(replies: list[Reply]) -> list[dict[str, Any]]:
    """What is kept with the dedupe key: the replies with attachments by name, type and size."""
    return [r.to_dict(attachments=False) for r in replies]


def complete(replies: list[Reply]) -> bool:
    return all(r.attachments_held for r in replies)


def refill(t: Translator, kept: list[Reply], fresh: list[Reply]) -> list[Reply]:
    """`kept` with every attachment stored by name taken from `fresh` (replies just made)."""
    pools = {slot: [a for r in fresh if (a := getattr(r, slot)) is not None] for slot in SLOTS}
    out = []
    for reply in kept:
        changes: dict[str, Any] = {}
        gone = []
        for slot in SLOTS:
            attachment = getattr(reply, slot)
            if attachment is None or attachment.held:
                continue
            changes[slot] = _take(pools[slot], attachment)
            if changes[slot] is None:
                gone.append(attachment.filename)
        if gone:
            changes["text"] = "\n".join(
                [reply.text, t("replay.file_gone", names=", ".join(gone))]
            ).strip()
        out.append(replace(reply, **changes) if changes else reply)
    return out


def _take(pool: list[Attachment], wanted: Attachment) -> Attachment | None:
    for i, candidate in enumerate(pool):
        if candidate.filename == wanted.filename and candidate.mime == wanted.mime:
            return pool.pop(i)
    return None
