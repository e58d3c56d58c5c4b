"""Which handler an inbound goes to: a button, a command, the open form's step, a text or a
file interpreter; the router says what there is, the conversation core calls `route` once."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz import process

import handlers.core.registry as registry
from domain.identity.actors import Role
from domain.shared.ports import FormState
from handlers.core.context import Ctx
from handlers.core.forms import (
    CANCEL_PAYLOAD,
    CANCEL_WORDS,
    ask_again,
    cancel_form,
    continue_form,
    split_answer,
    step_tag,
)
from handlers.core.messages import MAX_PAYLOAD_BYTES, ParsedCommand, Reply, parse_command
from handlers.core.router import Router

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


@dataclass(frozen=True, slots=True)
class Dispatch:
    """Routes an Inbound to a command, a form step, a text or file interpreter."""

    router: Router

    def route(self, ctx: Ctx, form: FormState | None) -> list[Reply]:
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
        unlinked = ctx.actor.role is Role.ANONYMOUS
        for interpreter in self.router.texts:
            if unlinked and not interpreter.anonymous:
                continue
            result = interpreter.func(ctx, text)
            if result is not None:
                ctx.audit(f"text:{interpreter.func.__name__}", text[:200])
                return _as_list(result)
        if unlinked:
            return [Reply(ctx.t("error.link_first"))]
        ctx.audit("text.not_understood", text[:200])
        return [Reply(ctx.t("error.not_understood"))]

    def _file(self, ctx: Ctx) -> list[Reply]:
        unlinked = ctx.actor.role is Role.ANONYMOUS
        name = ctx.inbound.file.filename if ctx.inbound.file else ""
        for interpreter in self.router.files:
            if unlinked and not interpreter.anonymous:
                continue
            result = interpreter.func(ctx)
            if result is not None:
                ctx.audit(f"file:{interpreter.func.__name__}", name[:200])
                return _as_list(result)
        if unlinked:
            return [Reply(ctx.t("error.link_first"))]
        ctx.audit("file.not_expected", name[:200])
        return [Reply(ctx.t("error.file_not_expected"))]
