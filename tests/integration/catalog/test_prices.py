from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


def dealer_chat(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def test_price_shows_the_floors_in_force_today(uow_factory, clock):
    chat = dealer_chat(uow_factory, clock)
    answer = chat.say("/price A100")
    assert "最低终端售价 ¥3,000.00" in answer and "最低中标价 ¥2,700.00" in answer
    assert "¥99.00" in chat.say("/price")


def test_a_price_question_naming_a_product_is_answered_with_the_figures(uow_factory, clock):
    chat = dealer_chat(uow_factory, clock)
    answer = chat.say("A100最低售价是多少？")
    assert "¥3,000.00" in answer
    chat.say("/lang en")
    assert "minimum terminal price ¥3,000.00" in chat.say("what is the floor price of A100?")


def test_a_sale_sentence_or_an_unknown_product_is_not_taken_for_a_price_question(
    uow_factory, clock
):
    chat = dealer_chat(uow_factory, clock)
    assert "最低终端售价 ¥" not in chat.say("今天给华西医院卖了2台A100，单价3500元")
    assert "没有找到产品" in chat.say("/price Z999")


def test_a_question_about_the_rule_goes_to_policy_qa_even_when_it_names_a_product(
    uow_factory, clock
):
    chat = dealer_chat(uow_factory, clock)
    assert "最低终端售价 ¥" not in chat.say("A100低于最低价销售会怎么处罚？")
