"""The conversation core on in-memory fakes: routing, exactly-once, rollback, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite
from domain.shared.clock import FixedClock
from handlers.core.conversation import Conversation
from handlers.core.errors import UserError
from handlers.core.messages import Inbound, Reply
from tests.fakes import FakeUnitOfWork, Store, small_world
from tests.support import Chat


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))


@pytest.fixture
def store() -> Store:
    return small_world()


@pytest.fixture
def conv(store, clock) -> Conversation:
    return Conversation(lambda: FakeUnitOfWork(store), clock)


def code_for(store: Store, clock, **who: str) -> str:
    with FakeUnitOfWork(store) as uow:
        invite = issue_invite(
            uow,
            clock.now(),
            timedelta(hours=72),
            dealer=DealerCode(who["dealer"]) if "dealer" in who else None,
            manager=ManagerCode(who["manager"]) if "manager" in who else None,
        )
        uow.commit()
    return invite.code


@pytest.fixture
def interpreter(conv):
    """Add a plain-text interpreter to this test's own router (`conv` builds a new one)."""

    def install(func, priority: int = -100):
        conv.router.text(func, priority=priority)

    return install


def test_a_dealer_links_and_gets_help_without_a_database(conv, store, clock):
    chat = Chat(conv, "u1")
    assert "已绑定经销商：华西医疗" in chat.say(f"/start {code_for(store, clock, dealer='D001')}")
    assert store.identities[("console", "u1")].dealer_code == "D001"
    assert "/lang en" in chat.say("/help")


def test_a_manager_sees_only_dealers_in_scope(conv, store, clock):
    chat = Chat(conv, "m1")
    chat.say(f"/start {code_for(store, clock, manager='M01')}")
    listed = chat.say("/dealers")
    assert "D001" in listed and "D002" not in listed
    assert "找不到经销商 D002" in chat.say("/dealer D002")


def test_a_redelivered_update_is_answered_from_memory_without_a_second_effect(conv, store, clock):
    chat = Chat(conv, "u1")
    code = code_for(store, clock, dealer="D001")
    first = chat.send(f"/start {code}", dedupe_key="tg:1")
    audit_size = len(store.audit)
    assert chat.send(f"/start {code}", dedupe_key="tg:1") == first
    assert len(store.audit) == audit_size


def test_a_concurrent_duplicate_gets_the_winners_answer(store, clock):
    class RacingUow(FakeUnitOfWork):
        """Misses the dedupe key on its first look, as if another worker were mid-commit."""

        looked = False

        def __enter__(self):
            super().__enter__()
            if not RacingUow.looked:
                RacingUow.looked = True
                self.inbound.replies_for = lambda key: None
            return self

    store.seen["tg:7"] = [Reply("the winner said this").to_dict()]
    racing = Conversation(lambda: RacingUow(store), clock)
    assert Chat(racing, "u1").say("/help", dedupe_key="tg:7") == "the winner said this"
    assert store.audit == []  # the loser's effects were rolled back


def test_a_user_error_rolls_back_everything_the_handler_did(conv, store, clock, interpreter):
    def half_done(ctx, text):
        if text == "save then fail":
            ctx.uow.identities.set_locale("console", "u1", "en")
            ctx.audit("half.done")
            raise UserError("error.bad_number", value="x")
        return None

    interpreter(half_done)
    chat = Chat(conv, "u1")
    chat.say(f"/start {code_for(store, clock, dealer='D001')}")
    assert "“x”不是有效的数字" in chat.say("save then fail", dedupe_key="k1")
    assert store.identities[("console", "u1")].locale is None
    actions = [e.action for e in store.audit]
    assert "half.done" not in actions and actions[-1] == "refused"
    # The refusal is remembered: a redelivery answers the same and refuses nothing twice.
    assert "“x”不是有效的数字" in chat.say("save then fail", dedupe_key="k1")
    assert [e.action for e in store.audit] == actions


def test_an_unexpected_error_is_an_apology_with_a_reference_and_nothing_is_kept(
    conv, store, clock, interpreter, caplog
):
    def crash(ctx, text):
        ctx.audit("before.crash")
        raise KeyError("bug")

    interpreter(crash)
    chat = Chat(conv, "u1")
    chat.say(f"/start {code_for(store, clock, dealer='D001')}")
    reply = chat.say("anything", dedupe_key="k2")
    assert "抱歉，处理时出了问题" in reply
    ref = reply.split("编号 ")[1][:8]
    assert f"ref={ref}" in caplog.text and "KeyError" in caplog.text
    assert "before.crash" not in [e.action for e in store.audit]
    assert "k2" not in store.seen  # a retry may succeed once the bug is fixed


def test_an_interpreter_that_returns_nothing_passes_the_text_on(conv, store, clock, interpreter):
    interpreter(lambda ctx, text: None, priority=-200)
    interpreter(lambda ctx, text: Reply(f"heard {text}") if "sale" in text else None)
    chat = Chat(conv, "u1")
    chat.say(f"/start {code_for(store, clock, dealer='D001')}")
    assert chat.say("a sale") == "heard a sale"
    assert store.audit[-1].action == "text:<lambda>"


def test_a_handler_that_says_nothing_still_gets_an_answer(conv, store, clock, interpreter):
    interpreter(lambda ctx, text: [])
    chat = Chat(conv, "u1")
    chat.say(f"/start {code_for(store, clock, dealer='D001')}")
    assert chat.say("quiet") == "好的。"


def test_handle_async_answers_in_order(conv, store, clock):
    import asyncio

    code = code_for(store, clock, dealer="D001")

    async def both():
        return await asyncio.gather(
            conv.handle_async(Inbound("console", "u1", "u1", text=f"/start {code}")),
            conv.handle_async(Inbound("console", "u1", "u1", text="/lang en")),
        )

    linked, switched = asyncio.run(both())
    assert "华西医疗" in linked[0].text and "English" in switched[0].text


def test_a_code_redeemed_by_someone_else_a_moment_ago_is_reported_used(conv, store, clock):
    code = code_for(store, clock, dealer="D001")

    class StaleUow(FakeUnitOfWork):
        """Reads the invite as it was before the other user's commit."""

        def __enter__(self):
            super().__enter__()
            current = self.invites.get
            self.invites.get = lambda c: current(c) and replace(current(c), used_at=None)
            return self

    assert "华西医疗" in Chat(conv, "u1").say(f"/start {code}")
    late = Chat(Conversation(lambda: StaleUow(store), clock), "u2")
    assert "邀请码已被使用过" in late.say(f"/start {code}")
    assert ("console", "u2") not in store.identities


def test_a_transport_that_sends_no_text_gets_the_empty_message_reply(conv):
    assert "空消息" in conv.handle(Inbound("console", "u1", "u1", text=None))[0].text
