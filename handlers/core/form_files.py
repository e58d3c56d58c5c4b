"""A file sent while an open form's step waits for one (a complaint's photos) answers that step.

A step opts in with `router.file_step(func, form, step)`; the function stores what it needs in the
form data and names the next step (the same step to accept more files). Other files, and
files outside such a step, go on to the other file interpreters.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.shared.ports import FormState
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, question
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Reply
from handlers.core.router import Router

FileAnswer = Callable[[Ctx, Data, Attachment], str]


def file_to_open_form(ctx: Ctx) -> list[Reply] | None:
    i = ctx.inbound
    state = ctx.uow.forms.get(i.platform, i.chat_id, i.user_id)
    if state is None or (state.expires_at is not None and state.expires_at <= ctx.now):
        return None
    accept = ctx.router.file_steps.get((state.form, state.step))
    form = ctx.router.forms.get(state.form)
    if accept is None or form is None or i.file is None:
        return None
    data = dict(state.data)
    try:
        nxt = accept(ctx, data, i.file)
    except UserError as err:
        again = question(
            ctx, form.name, state.step, form.steps[state.step].ask(ctx, dict(state.data))
        )
        return [Reply(ctx.t(err.key, **err.params)), again]
    if nxt == END:
        ctx.uow.forms.clear(i.platform, i.chat_id, i.user_id)
        result = form.finish(ctx, data)
        return result if isinstance(result, list) else [result]
    ctx.uow.forms.save(
        FormState(i.platform, i.chat_id, i.user_id, form.name, nxt, data, ctx.form_expiry())
    )
    return [question(ctx, form.name, nxt, form.steps[nxt].ask(ctx, data))]


def install(router: Router, jobs: Jobs) -> None:
    # An unlinked applicant's documents answer their application form's step too.
    router.file(file_to_open_form, priority=0, anonymous=True)
