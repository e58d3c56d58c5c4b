"""Telling an actor something proactively: through the durable outbox, in their language,
once per dedupe key.

Every proactive message (a handler's, a job's, a broadcast's) is queued here, so the
dedupe key and the recipient's language are decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.identity.actors import Actor
from domain.shared.outbox import OutgoingMessage
from domain.shared.ports import OutboxRepository
from handlers.core.i18n import Translator, translator
from handlers.core.messages import Reply

Build = Callable[[Translator], Reply]


@dataclass(frozen=True, slots=True)
class Notifier:
    outbox: OutboxRepository
    now: Callable[[], datetime]  # read when a message is queued
    default_locale: str

    def translator(self, recipient: Actor) -> Translator:
        return translator(recipient.locale or self.default_locale)

    def notify(
        self,
        recipient: Actor,
        dedupe_key: str,
        build: Build,
        not_before: datetime | None = None,
        *,
        revise: bool = False,
    ) -> bool:
        """Queue `build`'s reply to `recipient`, once per dedupe key and chat; True when
        queued now. With `revise`, a message of that key still waiting to be sent is
        rewritten instead (a digest growing until it leaves)."""
        message = OutgoingMessage(
            dedupe_key=f"{dedupe_key}:{recipient.platform}:{recipient.chat_id}",
            platform=recipient.platform,
            chat_id=recipient.chat_id,
            payload=build(self.translator(recipient)).to_dict(),
            identity_id=recipient.identity_id,
            not_before=not_before,
        )
        if self.outbox.enqueue(message, self.now()):
            return True
        return revise and self.outbox.revise_pending(message.dedupe_key, message.payload)

    def notify_all(self, items: Iterable[tuple[Actor, str, Build]]) -> int:
        """`notify` for many (recipient, dedupe key, build) at once, in bulk inserts; each key
        is suffixed with its recipient's chat as `notify` does. Returns how many were new."""
        messages = [
            OutgoingMessage(
                dedupe_key=f"{key}:{recipient.platform}:{recipient.chat_id}",
                platform=recipient.platform,
                chat_id=recipient.chat_id,
                payload=build(self.translator(recipient)).to_dict(),
                identity_id=recipient.identity_id,
            )
            for recipient, key, build in items
        ]
        return self.outbox.enqueue_many(messages, self.now())

    def notify_each(self, keyed: Iterable[tuple[Actor, str]], build: Build) -> int:
        """Queue one message per (recipient, dedupe key) in one batch, the key taken as it
        is (it already names its recipient), rendered once per language; returns how many
        were new."""
        payloads: dict[str, dict] = {}
        messages = []
        for recipient, key in keyed:
            t = self.translator(recipient)
            if t.locale not in payloads:
                payloads[t.locale] = build(t).to_dict()
            messages.append(
                OutgoingMessage(
                    dedupe_key=key,
                    platform=recipient.platform,
                    chat_id=recipient.chat_id,
                    payload=payloads[t.locale],
                    identity_id=recipient.identity_id,
                )
            )
        return self.outbox.enqueue_many(messages, self.now())
