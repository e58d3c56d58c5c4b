"""Stock quantities are bounded like sale quantities: an absurd number is refused, not stored."""

from __future__ import annotations

import pytest

from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def dealer(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "u1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


@pytest.mark.parametrize("qty", ["3000000000", "99999999999999999999"])
def test_a_stock_quantity_beyond_what_a_sale_may_hold_is_refused_with_a_clear_message(
    dealer, uow_factory, qty
):
    assert "数量过大" in dealer.say(f"/stock A100 {qty}")
    dealer.say("/stock")
    dealer.say("A100")
    assert "数量过大" in dealer.say(qty)
    assert "1,000,000" in dealer.say("1000000")
    with uow_factory() as uow:
        assert [s.qty for s in uow.stock.latest("D001")] == [1_000_000]
