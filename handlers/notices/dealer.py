"""A dealer contact's notices: `notices` (theirs, with state), `notices ack ID` (the
已阅/确认 button: a press counts once), `notices quiz ID [QUESTION CHOICE]` (the quiz, one
question at a time with buttons; attempts kept on the server)."""

from __future__ import annotations

from domain.notices import services
from domain.notices.model import Attempt, Notice
from domain.notices.quiz import QuizError
from domain.notices.rules import AckState, ack_state, dealer_acknowledged_at
from domain.shared.record_ids import parse_record_id
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import DEALER
from handlers.core.router import Router
from handlers.notices.delivery import due_day, quiz_button, render

SHOWN = 10


def _notice_of(ctx: Ctx, raw: str | None) -> Notice:
    """A notice sent to this contact; any other number gets the same "not found"."""
    text = (raw or "").lstrip("#")
    notice_id = parse_record_id(text) if text.isdecimal() else None
    if notice_id is None:
        raise UserError("notices.usage")
    notice = ctx.uow.notices.get(notice_id)
    if notice is None or services.delivery_of(ctx.uow, notice_id, ctx.actor) is None:
        raise UserError("notices.not_found", id=text)
    return notice


def _state_text(ctx: Ctx, notice: Notice, state: AckState) -> str:
    text = ctx.t(f"notices.state.{state.value}")
    if notice.ack_by and state in (AckState.PENDING, AckState.OVERDUE):
        text += ctx.t("notices.state_due", day=due_day(notice.ack_by, ctx.options.tz))
    return text


def _quiz_text(ctx: Ctx, notice: Notice, attempts: list[Attempt]) -> str:
    if notice.quiz is None:
        return ""
    if any(a.passed for a in attempts):
        return ctx.t("notices.quiz_state.passed")
    if any(not a.finished for a in attempts):
        return ctx.t("notices.quiz_state.open")
    if attempts:
        return ctx.t("notices.quiz_state.failed", n=len(attempts))
    return ctx.t("notices.quiz_state.none")


def list_notices(ctx: Ctx) -> Reply:
    dealer = ctx.require_dealer()
    contacts = [c.identity_id for c in ctx.uow.identities.dealer_contacts(dealer) if c.identity_id]
    deliveries = ctx.uow.notices.deliveries_to(contacts)
    ids = list(dict.fromkeys(d.notice_id for d in deliveries))
    if not ids:
        return Reply(ctx.t("notices.none"))
    rows, buttons = [ctx.t("notices.list_title", count=len(ids))], []
    for notice_id in ids[:SHOWN]:
        notice = ctx.uow.notices.get(notice_id)
        if notice is None:
            continue
        first = dealer_acknowledged_at([d for d in deliveries if d.notice_id == notice_id], dealer)
        state = ack_state(notice.ack_by, first, ctx.now)
        mine = ctx.uow.notices.attempts(notice_id, ctx.actor.identity_id)
        quiz = _quiz_text(ctx, notice, mine)
        rows.append(
            ctx.t(
                "notices.row",
                id=notice_id,
                title=notice.title,
                state=_state_text(ctx, notice, state),
            )
            + (f" · {quiz}" if quiz else "")
        )
        if first is None and len(buttons) < 3:
            buttons.append(
                Button(ctx.t("notices.ack_row_button", id=notice_id), f"c:notices ack {notice_id}")
            )
    if len(ids) > SHOWN:
        rows.append(ctx.t("notices.more", count=len(ids) - SHOWN))
    return Reply("\n".join(rows), (tuple(buttons),) if buttons else ())


def acknowledge(ctx: Ctx, raw: str | None) -> Reply:
    notice = _notice_of(ctx, raw)
    assert ctx.actor.identity_id is not None
    if not ctx.uow.notices.acknowledge(notice.id, ctx.actor.identity_id, ctx.now):
        mine = services.delivery_of(ctx.uow, notice.id, ctx.actor)
        when = mine.acknowledged_at if mine and mine.acknowledged_at else ctx.now
        return Reply(
            ctx.t("notices.already_acked", id=notice.id, when=ctx.t.datetime(when, ctx.options.tz))
        )
    ctx.audit("notice.ack", str(notice.id))
    late = notice.ack_by is not None and ctx.now >= notice.ack_by
    text = ctx.t(
        "notices.acked_late" if late else "notices.acked", id=notice.id, title=notice.title
    )
    if notice.quiz and not any(
        a.passed for a in ctx.uow.notices.attempts(notice.id, ctx.actor.identity_id)
    ):
        return Reply(text + "\n" + ctx.t("notices.quiz_next"), ((quiz_button(ctx.t, notice.id),),))
    return Reply(text)


def _question(ctx: Ctx, notice: Notice, attempt: Attempt) -> Reply:
    assert notice.quiz is not None
    n = len(attempt.answers)
    q = notice.quiz.questions[n]
    buttons = tuple(
        Button(f"{chr(ord('A') + i)}. {choice}"[:60], f"c:notices quiz {notice.id} {n} {i}")
        for i, choice in enumerate(q.choices)
    )
    head = ctx.t(
        "notices.question", id=notice.id, n=n + 1, total=len(notice.quiz), attempt=attempt.number
    )
    rows = tuple((b,) for b in buttons) if len(buttons) > 3 else (buttons,)
    return Reply(f"{head}\n{q.text}", rows)


def _result(ctx: Ctx, notice: Notice, done: Attempt) -> Reply:
    assert notice.quiz is not None
    mark = ctx.options.notice_pass_mark
    params = {"id": notice.id, "correct": done.correct, "total": len(notice.quiz), "mark": mark}
    if done.passed:
        return Reply(ctx.t("notices.quiz_passed", **params))
    return Reply(
        ctx.t("notices.quiz_failed", attempt=done.number, **params),
        ((Button(ctx.t("notices.retry_button"), f"c:notices quiz {notice.id}"),),),
    )


def quiz(ctx: Ctx, raw: str | None, rest: tuple[str, ...]) -> Reply | list[Reply]:
    notice = _notice_of(ctx, raw)
    if notice.quiz is None:
        raise UserError("notices.no_quiz", id=notice.id)
    me = ctx.actor.identity_id
    assert me is not None
    if not rest:
        turn = services.open_quiz(ctx.uow, notice, me, ctx.now)
        if turn.already_passed:
            a = turn.attempt
            return Reply(
                ctx.t(
                    "notices.quiz_already_passed",
                    id=notice.id,
                    correct=a.correct,
                    total=len(notice.quiz),
                )
            )
        ctx.audit("notice.quiz", f"{notice.id} attempt={turn.attempt.number}")
        return _question(ctx, notice, turn.attempt)
    if len(rest) != 2 or not all(x.isdecimal() and len(x) <= 2 for x in rest):
        raise UserError("notices.quiz_usage", id=notice.id)
    try:
        after = services.answer_quiz(
            ctx.uow, notice, me, int(rest[0]), int(rest[1]), ctx.now, ctx.options.notice_pass_mark
        )
    except QuizError as err:
        # Ask the open question again, if any; never open a new attempt on a stale press.
        said = Reply(ctx.t(f"notices.quiz_{err.reason}", id=notice.id))
        attempts = ctx.uow.notices.attempts(notice.id, me)
        current = next((a for a in attempts if not a.finished), None)
        return [said, _question(ctx, notice, current)] if current else said
    if after.finished:
        ctx.audit("notice.quiz_done", f"{notice.id} {after.correct}/{len(notice.quiz)}")
        return _result(ctx, notice, after)
    return _question(ctx, notice, after)


def notices_cmd(ctx: Ctx) -> Reply | list[Reply]:
    """Your notices and training materials, acknowledgements and quizzes."""
    args = ctx.args
    sub = args[0].lower() if args else ""
    if not sub:
        return list_notices(ctx)
    if sub in ("ack", "确认", "已阅"):
        return acknowledge(ctx, args[1] if len(args) > 1 else None)
    if sub in ("quiz", "测验", "答题"):
        return quiz(ctx, args[1] if len(args) > 1 else None, args[2:])
    if sub.lstrip("#").isdecimal():
        return again(ctx, sub)
    raise UserError("notices.usage")


def again(ctx: Ctx, raw: str) -> Reply:
    """A notice sent to this contact, shown again with its attachment and buttons."""
    notice = _notice_of(ctx, raw)
    full = ctx.uow.notices.get(notice.id, content=True)
    assert full is not None
    return render(full, ctx.t, ctx.options)


def install(router: Router, jobs: Jobs) -> None:
    router.command(notices_cmd, "notices", roles=DEALER, example="/notices", aliases=("通知",))
