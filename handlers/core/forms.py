"""Guided forms: a small state machine whose state is stored per (platform, chat, user).

A step asks a question (a Reply, usually with buttons) and accepts an answer: it validates
the answer into `data` and names the next step, or raises UserError to ask again. When a
step returns END the form's `finish` runs and its Replies are sent. Nothing is recorded
before `finish`, so a cancelled or expired form leaves no trace.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.shared.ports import FormState
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button, Reply

END = "__end__"
CANCEL_PAYLOAD = "f:__cancel__"
CANCEL_WORDS = frozenset({"cancel", "/cancel", "取消", "退出", "quit", "stop"})

Data = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """`ask` builds the question; `answer` validates into `data` (JSON values only: store
    Decimal and dates as strings) and returns the next step's name or END, or raises
    UserError to have the same question asked again."""

    ask: Callable[[Ctx, Data], Reply]
    answer: Callable[[Ctx, Data, str], str]


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    first: str
    steps: dict[str, Step]
    finish: Callable[[Ctx, Data], Reply | list[Reply]]


def cancel_button(ctx: Ctx) -> Button:
    return Button(ctx.t("form.cancel_button"), CANCEL_PAYLOAD)


def step_tag(form: str, step: str) -> str:
    """Four hex digits naming a form's step, carried by the buttons of its question."""
    return hashlib.blake2b(f"{form}/{step}".encode(), digest_size=2).hexdigest()


def split_answer(value: str) -> tuple[str | None, str]:
    """A form button's value as (step tag, answer); the tag is None on untagged buttons."""
    if len(value) >= 6 and value[0] == "~" and value[5] == ":":
        tag = value[1:5]
        if all(c in "0123456789abcdef" for c in tag):
            return tag, value[6:]
    return None, value


def _tagged(button: Button, tag: str) -> Button:
    if not button.payload.startswith("f:") or button.payload == CANCEL_PAYLOAD:
        return button
    payload = f"f:~{tag}:{button.payload[2:]}"
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        return button  # no room for the tag: it answers whatever is open, as before
    return Button(button.label, payload)


def question(ctx: Ctx, form: str, step: str, reply: Reply) -> Reply:
    """A step's question as sent: its buttons say which question they answer (a button left
    in the chat from an earlier question is then refused, not taken as this one's answer),
    and a cancel button on its own last row."""
    tag = step_tag(form, step)
    rows = tuple(tuple(_tagged(b, tag) for b in row) for row in reply.buttons)
    return Reply(reply.text, (*rows, (cancel_button(ctx),)), reply.image, reply.document)


def _state(ctx: Ctx, form: Form, step: str, data: Data) -> FormState:
    i = ctx.inbound
    return FormState(i.platform, i.chat_id, i.user_id, form.name, step, data, ctx.form_expiry())


def start_form(ctx: Ctx, name: str, data: Data | None = None, step: str | None = None) -> Reply:
    """Open form `name` (replacing any open one) and return its first question."""
    form = ctx.router.forms[name]
    data = dict(data or {})
    first = step or form.first
    ctx.uow.forms.save(_state(ctx, form, first, data))
    ctx.audit(f"form:{form.name}:start")
    return question(ctx, form.name, first, form.steps[first].ask(ctx, data))


def continue_form(ctx: Ctx, state: FormState, value: str) -> list[Reply]:
    form = ctx.router.forms.get(state.form)
    i = ctx.inbound
    if form is None or state.step not in form.steps:
        ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
        return [Reply(ctx.t("form.lost"))]
    step = form.steps[state.step]
    data = dict(state.data)
    try:
        nxt = step.answer(ctx, data, value.strip())
    except UserError as err:
        # Same step again, state untouched: the user sees why and the question once more.
        ctx.audit(f"form:{form.name}:{state.step}:invalid", err.key)
        ctx.uow.forms.save(_state(ctx, form, state.step, state.data))
        again = question(ctx, form.name, state.step, step.ask(ctx, dict(state.data)))
        return [Reply(ctx.t(err.key, **err.params)), again]
    if nxt == END:
        ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
        ctx.audit(f"form:{form.name}:done")
        result = form.finish(ctx, data)
        return result if isinstance(result, list) else [result]
    if nxt not in form.steps:
        raise ValueError(f"form {form.name!r}: step {state.step!r} led to unknown step {nxt!r}")
    ctx.audit(f"form:{form.name}:{state.step}")
    ctx.uow.forms.save(_state(ctx, form, nxt, data))
    return [question(ctx, form.name, nxt, form.steps[nxt].ask(ctx, data))]


def ask_again(ctx: Ctx, state: FormState) -> Reply | None:
    """The open form's current question, or None when it cannot be asked any more."""
    form = ctx.router.forms.get(state.form)
    if form is None or state.step not in form.steps:
        return None
    try:
        return question(
            ctx, form.name, state.step, form.steps[state.step].ask(ctx, dict(state.data))
        )
    except UserError:
        return None


def cancel_form(ctx: Ctx) -> bool:
    i = ctx.inbound
    existing = ctx.uow.forms.get(i.platform, i.chat_id, i.user_id)
    ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
    # Other things a user may have in progress outside a form (a drafted sale awaiting its
    # Confirm button) end too; each hook returns True if it ended any.
    ended = [hook(ctx) for hook in ctx.router.cancel_hooks]
    return existing is not None or any(ended)
