"""The conversation core: one Inbound in, Replies out, every effect exactly once.

`Conversation.handle` is synchronous (it talks to the database); async transports call
`await conversation.handle_async(inbound)`, which runs it in a worker thread and keeps one
user's messages in arrival order. `handle` never raises: a refusal or bad input is a
localized message, anything unexpected an apology with a reference id that is in the log.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable

import handlers.core.stored_replies as stored_replies
from domain.identity.actors import Actor
from domain.shared.clock import Clock, SystemClock
from domain.shared.ports import Arrival, DuplicateUpdate, UnitOfWork
from handlers.core.background import Background
from handlers.core.context import Ctx
from handlers.core.dispatch import Dispatch
from handlers.core.errors import UserError
from handlers.core.forms import ask_again
from handlers.core.i18n import Translator, normalize_locale
from handlers.core.messages import Inbound, Reply
from handlers.core.options import CoreOptions
from handlers.core.ordering import Lanes
from handlers.core.router import Router
from handlers.core.sheets import read_upload

log = logging.getLogger(__name__)


class Conversation:
    """Answers each Inbound once: replays a duplicate, limits each user's rate, runs the
    handler `Dispatch` picks in one transaction, and turns refusals and failures into replies."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock | None = None,
        options: CoreOptions | None = None,
        router: Router | None = None,
    ) -> None:
        if router is None:  # every context, as the app installs them
            from handlers.contexts import build

            router = build().router
        self.router = router
        self.dispatch = Dispatch(router)
        self.uow_factory = uow_factory
        self.clock = clock or SystemClock()
        self.options = options or CoreOptions()
        self._order = Lanes(concurrency=None)
        self.background = Background(uow_factory)

    async def handle_async(self, inbound: Inbound) -> list[Reply]:
        """`handle` in a worker thread; one user's inbounds are handled in arrival order."""
        key = (inbound.platform, inbound.user_id)
        return await self._order.run(key, self.handle, inbound)

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one inbound. Its effects and its dedupe key commit together, or neither."""
        try:
            return self._handle(inbound)
        except Exception:  # the database itself failed (connect, rollback, re-read)
            return self._apology(Translator(self._locale(None, inbound)), inbound)

    def _handle(self, inbound: Inbound) -> list[Reply]:
        key = inbound.dedupe_key
        upload = read_upload(inbound.file)  # slow: before the transaction takes SQLite's lock
        with self.uow_factory() as uow:
            arrival = uow.inbound.arrival(key, inbound.platform, inbound.chat_id, inbound.user_id)
            if arrival.replies is not None:
                return self._replay(uow, inbound, arrival)
            actor = arrival.actor or Actor(inbound.platform, inbound.user_id, inbound.chat_id)
            t = Translator(self._locale(actor, inbound))
            ctx = Ctx(
                inbound,
                actor,
                uow,
                self.clock,
                self.options,
                t,
                background=self.background,
                upload=upload,
                router=self.router,
            )
            try:
                replies = self._over_rate(ctx)
                if replies is None:
                    replies = self.dispatch.route(ctx, arrival.form) or [Reply(ctx.t("core.done"))]
                self._remember(ctx, replies)
                uow.commit()
                return replies
            except DuplicateUpdate:
                uow.rollback()
            except UserError as err:
                uow.rollback()
                # A fresh context: whatever the handler changed (a link, the language) is gone.
                answering = ctx.answering
                ctx = Ctx(
                    inbound,
                    actor,
                    uow,
                    self.clock,
                    self.options,
                    t,
                    ctx.command,
                    background=self.background,
                    upload=upload,
                    router=self.router,
                )
                ctx.answering = answering
                self._charge(ctx)  # the rollback gave the message back to the bucket
                replies = self._refusal(ctx, err)
                try:
                    self._remember(ctx, replies)
                    uow.commit()
                    return replies
                except DuplicateUpdate:
                    uow.rollback()
            except Exception:
                uow.rollback()
                return self._apology(t, inbound)
        # A concurrent handler of the same update won: answer what it answered.
        with self.uow_factory() as uow:
            arrival = uow.inbound.arrival(key, inbound.platform, inbound.chat_id, inbound.user_id)
            if arrival.replies is not None:  # [] too: a refusal of the rate limit is silent
                return self._replay(uow, inbound, arrival)
        return [Reply(t("core.done"))]

    def _replay(self, uow: UnitOfWork, inbound: Inbound, arrival: Arrival) -> list[Reply]:
        """The stored replies of a handled update, their attachments made again (by handling
        it once more in a transaction that is rolled back: it takes no effect)."""
        replies = [Reply.from_dict(d) for d in arrival.replies or []]
        if stored_replies.complete(replies):
            return replies
        actor = arrival.actor or Actor(inbound.platform, inbound.user_id, inbound.chat_id)
        t = Translator(self._locale(actor, inbound))
        ctx = Ctx(inbound, actor, uow, self.clock, self.options, t, router=self.router)
        fresh: list[Reply] = []
        try:
            fresh = self.dispatch.route(ctx, arrival.form)
        except (UserError, DuplicateUpdate):
            pass  # the files cannot be made again now; refill says so
        except Exception:
            log.exception(
                "attachments not made again platform=%s user=%s",
                inbound.platform,
                inbound.user_id,
            )
        finally:
            uow.rollback()
        return stored_replies.refill(t, replies, fresh)

    def _locale(self, actor: Actor | None, inbound: Inbound) -> str:
        return (
            (actor.locale if actor else None)
            or normalize_locale(inbound.language_hint)
            or self.options.default_locale
        )

    def _remember(self, ctx: Ctx, replies: list[Reply]) -> None:
        if ctx.inbound.dedupe_key is not None:
            payload = stored_replies.stored(replies)
            ctx.uow.inbound.remember(ctx.inbound.dedupe_key, payload, ctx.now)

    def _over_rate(self, ctx: Ctx) -> list[Reply] | None:
        """None when the sender's bucket admits this message; else its refusal, told once a
        minute and silent (but audited) after that, and nothing else of the message done."""
        limit = self.options.user_rate
        if limit is None:
            return None
        i = ctx.inbound
        later = ctx.uow.rates.admit(i.platform, i.user_id, ctx.now, limit)
        if later is None:
            return None
        told = ctx.uow.rates.first_notice(i.platform, i.user_id, ctx.now)
        ctx.audit("rate.refused", "told" if told else "silent")
        if not told:
            return []
        seconds = max(1, math.ceil((later - ctx.now).total_seconds()))
        return [Reply(ctx.t("rate.slow_down", seconds=seconds))]

    def _charge(self, ctx: Ctx) -> None:
        if (limit := self.options.user_rate) is not None:
            ctx.uow.rates.admit(ctx.inbound.platform, ctx.inbound.user_id, ctx.now, limit)

    def _refusal(self, ctx: Ctx, err: UserError) -> list[Reply]:
        """The error in the user's words, then (when answering a form) the question again."""
        ctx.audit("refused", err.key)
        replies = [Reply(ctx.t(err.key, **err.params))]
        state = ctx.answering and ctx.uow.forms.get(
            ctx.inbound.platform, ctx.inbound.chat_id, ctx.inbound.user_id
        )
        if state:
            question = ask_again(ctx, state)
            if question is not None:
                replies.append(question)
        return replies

    @staticmethod
    def _apology(t: Translator, inbound: Inbound) -> list[Reply]:
        ref = uuid.uuid4().hex[:8]
        log.exception(
            "handler failed ref=%s platform=%s user=%s", ref, inbound.platform, inbound.user_id
        )
        return [Reply(t("error.internal", ref=ref))]
