"""The conversation core: one Inbound in, Replies out, every effect exactly once."""

from __future__ import annotations

import logging
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from domain.clock import Clock, SystemClock
from domain.identity import Actor, Role
from domain.ports import DuplicateUpdate, UnitOfWork
from handlers import registry
from handlers.context import CoreOptions, Ctx
from handlers.errors import UserError
from handlers.forms import CANCEL_PAYLOAD, CANCEL_WORDS, cancel_form, continue_form
from handlers.i18n import Translator, normalize_locale
from handlers.messages import Inbound, ParsedCommand, Reply, parse_command

log = logging.getLogger(__name__)

MAX_TEXT = 2000
TextHandler = Callable[[Ctx, str], Reply | list[Reply] | None]
FileHandler = Callable[[Ctx], Reply | list[Reply] | None]


@dataclass(frozen=True, slots=True)
class _Interpreter:
    priority: int
    func: Callable


TEXT_HANDLERS: list[_Interpreter] = []
FILE_HANDLERS: list[_Interpreter] = []


def text_handler(priority: int) -> Callable[[TextHandler], TextHandler]:
    """Register an interpreter of plain text; lower priority runs first, None passes on."""

    def register(func: TextHandler) -> TextHandler:
        TEXT_HANDLERS.append(_Interpreter(priority, func))
        TEXT_HANDLERS.sort(key=lambda i: i.priority)
        return func

    return register


def file_handler(priority: int) -> Callable[[FileHandler], FileHandler]:
    def register(func: FileHandler) -> FileHandler:
        FILE_HANDLERS.append(_Interpreter(priority, func))
        FILE_HANDLERS.sort(key=lambda i: i.priority)
        return func

    return register


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
    ) -> None:
        import handlers.commands  # noqa: F401  (registers every command)

        self.uow_factory = uow_factory
        self.clock = clock or SystemClock()
        self.options = options or CoreOptions()

    def handle(self, inbound: Inbound) -> list[Reply]:
        key = inbound.dedupe_key
        with self.uow_factory() as uow:
            if key is not None:
                stored = uow.inbound.replies_for(key)
                if stored is not None:
                    return [Reply.from_dict(d) for d in stored]
            actor = uow.identities.find(inbound.platform, inbound.user_id) or Actor(
                inbound.platform, inbound.user_id, inbound.chat_id
            )
            locale = (
                actor.locale
                or normalize_locale(inbound.language_hint)
                or self.options.default_locale
            )
            ctx = Ctx(inbound, actor, uow, self.clock, self.options, Translator(locale))
            try:
                replies = self._route(ctx)
                if key is not None:
                    uow.inbound.remember(key, [r.to_dict() for r in replies], ctx.now)
                uow.commit()
                return replies
            except DuplicateUpdate:
                uow.rollback()
            except UserError as err:
                uow.rollback()
                return [Reply(ctx.t(err.key, **err.params))]
            except Exception:
                uow.rollback()
                ref = uuid.uuid4().hex[:8]
                log.exception("handler failed ref=%s platform=%s", ref, inbound.platform)
                return [Reply(ctx.t("error.internal", ref=ref))]
        # A concurrent handler of the same update won: answer what it answered.
        with self.uow_factory() as uow:
            stored = uow.inbound.replies_for(key) if key else None
        return [Reply.from_dict(d) for d in stored or []]

    # -- routing -----------------------------------------------------------------------

    def _route(self, ctx: Ctx) -> list[Reply]:
        i = ctx.inbound
        if i.payload is not None:
            return self._payload(ctx, i.payload)
        if i.file is not None:
            return self._file(ctx)
        text = clean_text(i.text)
        if not text:
            return [Reply(ctx.t("error.empty"))]
        if len(text) > MAX_TEXT:
            return [Reply(ctx.t("error.too_long", max=MAX_TEXT, got=len(text)))]
        if text.lower() in CANCEL_WORDS:
            return self._cancel(ctx)
        parsed = parse_command(text, registry.known_names())
        if parsed is not None:
            return self._command(ctx, parsed)
        return self._text(ctx, text)

    def _cancel(self, ctx: Ctx) -> list[Reply]:
        had = cancel_form(ctx)
        return [Reply(ctx.t("form.cancelled" if had else "form.nothing_to_cancel"))]

    def _payload(self, ctx: Ctx, payload: str) -> list[Reply]:
        if payload == CANCEL_PAYLOAD:
            return self._cancel(ctx)
        kind, sep, value = payload.partition(":")
        if not sep or kind not in ("c", "f"):
            return [Reply(ctx.t("error.bad_button"))]
        if kind == "c":
            parsed = parse_command("/" + value, registry.known_names())
            if parsed is None:
                return [Reply(ctx.t("error.bad_button"))]
            return self._command(ctx, parsed)
        state = self._open_form(ctx)
        if state is None:
            return [Reply(ctx.t("form.expired"))]
        return continue_form(ctx, state, value)

    def _open_form(self, ctx: Ctx):
        i = ctx.inbound
        state = ctx.uow.forms.get(i.platform, i.chat_id, i.user_id)
        if state is None:
            return None
        if state.expires_at is not None and state.expires_at <= ctx.now:
            ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
            return None
        return state

    def _command(self, ctx: Ctx, parsed: ParsedCommand) -> list[Reply]:
        if parsed.name == "cancel":
            return self._cancel(ctx)
        cmd = registry.lookup(parsed.name)
        if cmd is None:
            return [Reply(ctx.t("error.unknown_command", name=parsed.name[:40]))]
        role = ctx.actor.role
        if role not in cmd.roles:
            key = "error.link_first" if role is Role.ANONYMOUS else "error.not_allowed"
            ctx.audit("refused", f"/{cmd.name}")
            return [Reply(ctx.t(key))]
        i = ctx.inbound
        ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)  # a new command ends any form
        ctx.command = ParsedCommand(cmd.name, parsed.args, parsed.rest)
        ctx.audit(f"cmd:{cmd.name}", parsed.rest[:200])
        return _as_list(cmd.func(ctx))

    def _text(self, ctx: Ctx, text: str) -> list[Reply]:
        state = self._open_form(ctx)
        if state is not None:
            return continue_form(ctx, state, text)
        if ctx.actor.role is Role.ANONYMOUS:
            return [Reply(ctx.t("error.link_first"))]
        for interpreter in TEXT_HANDLERS:
            result = interpreter.func(ctx, text)
            if result is not None:
                return _as_list(result)
        return [Reply(ctx.t("error.not_understood"))]

    def _file(self, ctx: Ctx) -> list[Reply]:
        if ctx.actor.role is Role.ANONYMOUS:
            return [Reply(ctx.t("error.link_first"))]
        for interpreter in FILE_HANDLERS:
            result = interpreter.func(ctx)
            if result is not None:
                return _as_list(result)
        return [Reply(ctx.t("error.file_not_expected"))]
