"""Asking before a decision that is hard to take back: a one-step form that shows what will
happen, with 确认 and 取消.

The question is a form (stored per chat user, so the buttons are checked on the server and
step-tagged like every form's): a press of 确认 ends the form and runs the decision once; a
second press, or one on an older preview, finds the form ended and is refused. A context
registers its confirmation with `router.form(confirmation(...))` and opens it with
`ask_to_confirm`.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step, start_form
from handlers.core.messages import Button, Reply

STEP = "confirm"
YES = "yes"
YES_WORDS = frozenset({YES, "y", "确认", "确定", "是", "confirm", "ok"})


def confirmation(
    name: str,
    preview: Callable[[Ctx, Data], str],
    perform: Callable[[Ctx, Data], Reply | list[Reply]],
) -> Form:
    """A form `name` asking `preview` (what will happen) and running `perform` on 确认."""

    def ask(ctx: Ctx, data: Data) -> Reply:
        text = preview(ctx, data) + "\n\n" + ctx.t("confirm.question")
        return Reply(text, ((Button(ctx.t("confirm.yes"), f"f:{YES}"),),))

    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value.lower() not in YES_WORDS:
            raise UserError("confirm.press_button")
        return END

    return Form(name, STEP, {STEP: Step(ask, answer)}, perform)


def ask_to_confirm(ctx: Ctx, name: str, data: Data) -> Reply:
    """The preview of confirmation `name` for `data` (JSON values), its form opened."""
    return start_form(ctx, name, data, step=STEP)
