from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


def dealer_chat(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def test_a_dealer_who_says_they_want_to_complain_is_offered_the_complaint_form(uow_factory, clock):
    chat = dealer_chat(uow_factory, clock)
    for text in ("我想投诉", "我要售后", "退换货", "I want to file a complaint"):
        chat.say("/cancel")
        assert "/complaint" in chat.say(text), text
    assert "请选择投诉类别" in chat.press("开始登记")


def test_a_question_about_complaints_still_goes_to_policy_qa(uow_factory, clock):
    chat = dealer_chat(uow_factory, clock)
    answer = chat.say("投诉处理时限是多久？")
    assert "开始登记" not in answer
