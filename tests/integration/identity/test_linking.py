from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


def test_dealer_links_with_a_code_and_sees_dealer_help(uow_factory, clock):
    seed_catalog(uow_factory)
    code = invite(uow_factory, clock, dealer="D001")
    chat = Chat(Conversation(uow_factory, clock), "u1")
    assert "请先绑定账号" in chat.say("/lang en")
    assert "华西医疗" in chat.say(f"/start {code}")
    assert "/lang" in chat.say("/help")
    assert "English" in chat.say("/lang en")
    assert "Commands you can use" in chat.say("/help")


def test_used_expired_and_unknown_codes_get_distinct_messages(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    code = invite(uow_factory, clock, dealer="D001")
    assert "华西医疗" in Chat(conv, "u1").say(f"/start {code}")
    assert "已被使用" in Chat(conv, "u2").say(f"/start {code}")
    assert "无效" in Chat(conv, "u2").say("/start NOSUCHCODE")
    late = invite(uow_factory, clock, dealer="D002")
    clock.advance(hours=73)
    assert "已过期" in Chat(conv, "u3").say(f"/start {late}")


def test_code_tries_are_limited_per_user_per_hour(uow_factory, clock):
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "u9")
    for _ in range(5):
        assert "无效" in chat.say("/start WRONG123")
    code = invite(uow_factory, clock, dealer="D001")
    assert "尝试次数过多" in chat.say(f"/start {code}")
    clock.advance(hours=1, seconds=1)
    assert "华西医疗" in chat.say(f"/start {code}")


def test_redelivered_update_links_once_and_answers_the_same(uow_factory, clock):
    seed_catalog(uow_factory)
    code = invite(uow_factory, clock, dealer="D001")
    chat = Chat(Conversation(uow_factory, clock), "u1")
    first = chat.say(f"/start {code}", dedupe_key="tg:1:100")
    again = chat.say(f"/start {code}", dedupe_key="tg:1:100")
    assert first == again and "华西医疗" in first
    with uow_factory() as uow:
        assert len(uow.audit.recent()) == 2  # cmd:start and link, once


def test_dealer_is_refused_manager_scope_and_manager_sees_help(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    m = Chat(conv, "boss")
    assert "王经理" in m.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    assert "销售经理" in m.say("/start")
