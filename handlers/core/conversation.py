"""The conversation core: one Inbound in, Replies out, every effect exactly once.

`Conversation.handle` is synchronous (it talks to the database); async transports call
`await conversation.handle_async(inbound)`, which runs it in a worker thread and keeps one
user's messages in arrival order. `handle` never raises: a refusal or bad input is a
localized message, anything unexpected an apology with a reference id that is in the log.
"""

from __future__ import annotations

import logging
import math
import unicodedata
import uuid
from collections.abc import Callable

from rapidfuzz import process

import handlers.core.registry as registry
import handlers.core.stored_replies as stored_replies
from domain.identity.actors import Actor, Role
from domain.shared.clock import Clock, SystemClock
from domain.shared.ports import Arrival, DuplicateUpdate, FormState, UnitOfWork
from handlers.core.background import Background
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import (
    CANCEL_PAYLOAD,
    CANCEL_WORDS,
    ask_again,
    cancel_form,
    continue_form,
    split_answer,
    step_tag,
)
from handlers.core.i18n import Translator, normalize_locale
from handlers.core.messages import MAX_PAYLOAD_BYTES, Inbound, ParsedCommand, Reply, parse_command
from handlers.core.options import CoreOptions
from handlers.core.ordering import KeyedSerializer
from handlers.core.router import Router
from handlers.core.sheets import read_upload

log = logging.getLogger(__name__)

MAX_TEXT = 2000


def clean_text(text: str) -> str:
    """Drop control and format characters (keeping newlines and tabs as spaces)."""
    out = []
    for ch in text:
        if ch in "\n\t\r":
            out.append(" " if ch != "\n" else "\n")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out).strip()


def _as_list(result: Reply | list[Reply] | None) -> list[Reply]:
    if result is None:
        return []
    return result if isinstance(result, list) else [result]


class Conversation:
    """Routes an Inbound to a command, a form step, a text or file interpreter."""

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
        self.uow_factory = uow_factory
        self.clock = clock or SystemClock()
        self.options = options or CoreOptions()
        self._order = KeyedSerializer()
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
                    replies = self._route(ctx, arrival.form) or [Reply(ctx.t("core.done"))]
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
            fresh = self._route(ctx, arrival.form)
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

    # -- routing -----------------------------------------------------------------------

    def _route(self, ctx: Ctx, form: FormState | None) -> list[Reply]:
        """`form` is the sender's open form as read on arrival (maybe expired)."""
        i = ctx.inbound
        if i.payload is not None:
            return self._payload(ctx, i.payload, form)
        if i.file is not None:
            return self._file(ctx)
        text = clean_text(i.text or "")
        if not text:
            return [Reply(ctx.t("error.empty"))]
        if len(text) > MAX_TEXT:
            return [Reply(ctx.t("error.too_long", max=MAX_TEXT, got=len(text)))]
        if text.lower() in CANCEL_WORDS:
            return self._cancel(ctx)
        slash = text.startswith(("/", "／"))
        state, expired = self._open_form(ctx, form)
        if state is not None and not slash:
            # Inside a form, plain text is the answer even when it starts with a command word.
            return self._answer(ctx, state, text)
        parsed = parse_command(text, self.router.known_names())
        if parsed is not None:
            return self._command(ctx, parsed, form_open=state is not None)
        if slash:
            return [Reply(ctx.t("error.unknown_command", name=text[:40]))]
        if expired:
            return [Reply(ctx.t("form.expired"))]
        return self._text(ctx, text)

    def _cancel(self, ctx: Ctx) -> list[Reply]:
        had = cancel_form(ctx)
        ctx.audit("form.cancel" if had else "form.cancel_nothing")
        return [Reply(ctx.t("form.cancelled" if had else "form.nothing_to_cancel"))]

    def _payload(self, ctx: Ctx, raw: str, form: FormState | None) -> list[Reply]:
        # Payloads come back from the client and can be forged: treat them as user input.
        payload = clean_text(raw)
        if payload == CANCEL_PAYLOAD:
            return self._cancel(ctx)
        kind, sep, value = payload.partition(":")
        too_long = len(raw.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES
        if not sep or kind not in ("c", "f") or too_long:
            ctx.audit("button.bad", payload[:80])
            return [Reply(ctx.t("error.bad_button"))]
        if kind == "c":
            parsed = parse_command("/" + value, self.router.known_names())
            if parsed is None or self.router.lookup(parsed.name) is None:
                ctx.audit("button.bad", payload[:80])
                return [Reply(ctx.t("error.bad_button"))]
            return self._command(ctx, parsed, form_open=form is not None)
        state, _ = self._open_form(ctx, form)
        if state is None:
            return [Reply(ctx.t("form.expired"))]
        tag, answer = split_answer(value)
        if tag is not None and tag != step_tag(state.form, state.step):
            # A button of an earlier question (or an earlier form) still in the chat.
            ctx.audit("button.stale", payload[:80])
            again = ask_again(ctx, state)
            return [Reply(ctx.t("form.old_button")), *([again] if again else [])]
        return self._answer(ctx, state, answer)

    def _open_form(self, ctx: Ctx, state: FormState | None) -> tuple[FormState | None, bool]:
        """The user's open form, and whether one just expired (it is then removed)."""
        i = ctx.inbound
        if state is None:
            return None, False
        if state.expires_at is not None and state.expires_at <= ctx.now:
            ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
            ctx.audit("form.expired", state.form)
            return None, True
        return state, False

    def _answer(self, ctx: Ctx, state: FormState, value: str) -> list[Reply]:
        ctx.answering = state
        return continue_form(ctx, state, value)

    def _command(self, ctx: Ctx, parsed: ParsedCommand, *, form_open: bool = True) -> list[Reply]:
        cmd = self.router.lookup(parsed.name)
        if cmd is None:
            return [self._unknown(ctx, parsed.name)]
        if cmd.name == "cancel":
            return self._cancel(ctx)
        if not cmd.allows(ctx.actor):
            ctx.audit("refused", f"/{cmd.name}")
            refused = registry.refusal(ctx, cmd.name)
            return [Reply(ctx.t(refused.key, **refused.params))]
        if form_open:  # a new command ends any form
            i = ctx.inbound
            ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
        ctx.command = ParsedCommand(cmd.name, parsed.args, parsed.rest)
        ctx.audit(f"cmd:{cmd.name}", "" if cmd.redact else parsed.rest[:200])
        return _as_list(cmd.func(ctx))

    def _unknown(self, ctx: Ctx, name: str) -> Reply:
        mine = [c.name for c in self.router.commands_for(ctx.actor.seat)]
        best = process.extractOne(name, mine, score_cutoff=75) if name else None
        if best is not None:
            return Reply(ctx.t("error.unknown_command_suggest", name=name[:40], cmd=best[0]))
        return Reply(ctx.t("error.unknown_command", name=name[:40]))

    def _text(self, ctx: Ctx, text: str) -> list[Reply]:
        if ctx.actor.role is Role.ANONYMOUS:
            return [Reply(ctx.t("error.link_first"))]
        for interpreter in self.router.texts:
            result = interpreter.func(ctx, text)
            if result is not None:
                ctx.audit(f"text:{interpreter.func.__name__}", text[:200])
                return _as_list(result)
        ctx.audit("text.not_understood", text[:200])
        return [Reply(ctx.t("error.not_understood"))]

    def _file(self, ctx: Ctx) -> list[Reply]:
        if ctx.actor.role is Role.ANONYMOUS:
            return [Reply(ctx.t("error.link_first"))]
        name = ctx.inbound.file.filename if ctx.inbound.file else ""
        for interpreter in self.router.files:
            result = interpreter.func(ctx)
            if result is not None:
                ctx.audit(f"file:{interpreter.func.__name__}", name[:200])
                return _as_list(result)
        ctx.audit("file.not_expected", name[:200])
        return [Reply(ctx.t("error.file_not_expected"))]
