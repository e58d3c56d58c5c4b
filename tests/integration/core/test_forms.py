"""Guided forms: cancel at any step, invalid answers re-asked, expiry, restart survival.

The form here exists only for these tests: two steps (a quantity, then a colour), finished by
writing one audit entry, so "nothing half-stored" is a question of counting those entries.
"""

from __future__ import annotations

import pytest

from handlers.contexts import CONTEXTS, build
from handlers.core import registry
from handlers.core.context import Ctx
from handlers.core.conversation import Conversation
from handlers.core.errors import UserError
from handlers.core.forms import CANCEL_PAYLOAD, END, Form, Step, start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.router import Router
from tests.support import Chat, invite, seed_catalog


def _ask_qty(ctx: Ctx, data: dict) -> Reply:
    return Reply("QTY?", button_rows([Button("1", "f:1"), Button("2", "f:2")]))


def _answer_qty(ctx: Ctx, data: dict, value: str) -> str:
    if not value.isdigit() or int(value) <= 0:
        raise UserError("error.bad_number", value=value[:20])
    data["qty"] = int(value)
    return "colour"


def _ask_colour(ctx: Ctx, data: dict) -> Reply:
    return Reply(f"COLOUR for {data['qty']}?", button_rows([Button("red", "f:red")]))


def _answer_colour(ctx: Ctx, data: dict, value: str) -> str:
    if value not in ("red", "blue"):
        raise UserError("error.bad_number", value=value[:20])
    data["colour"] = value
    return END


def _finish(ctx: Ctx, data: dict) -> Reply:
    ctx.audit("pair.saved", f"{data['qty']} {data['colour']}")
    if data["qty"] == 13:  # an unlucky order fails after writing: nothing may remain
        raise UserError("error.bad_number", value="13")
    return Reply(f"SAVED {data['qty']} {data['colour']}")


PAIR = Form(
    "test_pair",
    "qty",
    {"qty": Step(_ask_qty, _answer_qty), "colour": Step(_ask_colour, _answer_colour)},
    _finish,
)


def pair(ctx: Ctx) -> Reply:
    return start_form(ctx, "test_pair")


class PairContext:
    """A context of this test only: `/pair` starts the test form."""

    @staticmethod
    def install(router: Router, jobs: Jobs) -> None:
        router.form(PAIR)
        router.command(pair, "pair", roles=registry.LINKED)


def router_with_pair() -> Router:
    """Every context of the app plus the test's own: the app's router is left as it is."""
    return build((*CONTEXTS, PairContext)).router


@pytest.fixture
def chat(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock, router=router_with_pair()), "u1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def saved(uow_factory) -> list[str]:
    with uow_factory() as uow:
        return [e.detail for e in uow.audit.recent(500) if e.action == "pair.saved"]


def open_step(uow_factory) -> str | None:
    with uow_factory() as uow:
        state = uow.forms.get("console", "u1", "u1")
        return state.step if state else None


def test_a_form_runs_to_the_end_with_typed_answers_and_buttons(chat, uow_factory):
    assert "QTY?" in chat.say("/pair")
    assert ("取消", CANCEL_PAYLOAD) in chat.buttons()  # every question offers cancel
    assert "COLOUR for 2?" in chat.press("2")
    assert "SAVED 2 red" in chat.say("red")
    assert saved(uow_factory) == ["2 red"]
    assert open_step(uow_factory) is None


@pytest.mark.parametrize("how", ["取消", "cancel", "/cancel", "/取消", "button"])
def test_cancel_at_the_first_step_saves_nothing(chat, uow_factory, how):
    chat.say("/pair")
    reply = chat.press("取消") if how == "button" else chat.say(how)
    assert "已取消" in reply
    assert open_step(uow_factory) is None and saved(uow_factory) == []
    assert "没有进行中的操作" in chat.say("取消")


@pytest.mark.parametrize("how", ["取消", "button"])
def test_cancel_at_the_second_step_saves_nothing(chat, uow_factory, how):
    chat.say("/pair")
    chat.say("3")
    assert open_step(uow_factory) == "colour"
    reply = chat.press("取消") if how == "button" else chat.say(how)
    assert "已取消" in reply
    assert open_step(uow_factory) is None and saved(uow_factory) == []
    # An old button of the cancelled form is answered clearly, not applied.
    assert "已过期或已结束" in chat.say(payload="f:red")


def test_an_invalid_answer_says_why_and_asks_the_same_step_again(chat, uow_factory):
    chat.say("/pair")
    reply = chat.say("many")
    assert "“many”不是有效的数字" in reply and "QTY?" in reply
    assert open_step(uow_factory) == "qty"
    chat.say("4")
    reply = chat.say("green")
    assert "不是有效的数字" in reply and "COLOUR for 4?" in reply  # earlier answers kept
    assert open_step(uow_factory) == "colour"
    assert "SAVED 4 blue" in chat.say("blue")


def test_plain_text_inside_a_form_is_an_answer_even_when_it_starts_with_a_command_word(chat):
    chat.say("/pair")
    chat.say("2")
    reply = chat.say("help me choose")
    assert "COLOUR for 2?" in reply and "您可以使用以下命令" not in reply


def test_a_slash_command_leaves_the_form(chat, uow_factory):
    chat.say("/pair")
    assert "您可以使用以下命令" in chat.say("/help")
    assert open_step(uow_factory) is None


def test_a_failing_finish_stores_nothing_and_asks_the_last_step_again(chat, uow_factory):
    chat.say("/pair")
    chat.say("13")
    reply = chat.say("red")
    assert "“13”不是有效的数字" in reply and "COLOUR for 13?" in reply
    assert saved(uow_factory) == []
    assert open_step(uow_factory) == "colour"


def test_an_expired_form_is_not_continued(chat, uow_factory, clock):
    chat.say("/pair")
    clock.advance(minutes=31)
    assert "已过期" in chat.say("2")
    assert open_step(uow_factory) is None
    chat.say("/pair")
    clock.advance(minutes=31)
    assert "已过期" in chat.press("2")
    assert saved(uow_factory) == []


def test_each_answer_renews_the_expiry(chat, clock):
    chat.say("/pair")
    clock.advance(minutes=25)
    chat.say("2")
    clock.advance(minutes=25)
    assert "SAVED 2 red" in chat.say("red")


def test_a_form_survives_a_restart(chat, uow_factory, clock):
    chat.say("/pair")
    chat.say("5")
    restarted = Chat(
        Conversation(uow_factory, clock, router=router_with_pair()), "u1"
    )  # a new process, same database
    assert "SAVED 5 blue" in restarted.say("blue")
    assert saved(uow_factory) == ["5 blue"]


def test_a_redelivered_answer_advances_the_form_once(chat, uow_factory):
    chat.say("/pair")
    first = chat.say("6", dedupe_key="tg:9:1")
    again = chat.say("6", dedupe_key="tg:9:1")
    assert first == again and "COLOUR for 6?" in first
    assert open_step(uow_factory) == "colour"
    chat.say("red", dedupe_key="tg:9:2")
    chat.say("red", dedupe_key="tg:9:2")
    assert saved(uow_factory) == ["6 red"]


def test_forms_are_per_user(chat, uow_factory, clock):
    other = Chat(chat.conversation, "u2")
    other.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    chat.say("/pair")
    assert "当前没有需要回答的问题" in other.say("7")  # not the other user's form
    assert "COLOUR for 7?" in chat.say("7")


def test_form_steps_are_audited(chat, uow_factory):
    chat.say("/pair")
    chat.say("x")
    chat.say("2")
    chat.say("取消")
    with uow_factory() as uow:
        actions = [e.action for e in reversed(uow.audit.recent(50))]
    assert actions[-5:] == [
        "cmd:pair",
        "form:test_pair:start",
        "form:test_pair:qty:invalid",
        "form:test_pair:qty",
        "form.cancel",
    ]
