"""The /promo new preview shows the promotion as dealers will see it, without a number it
does not have yet."""

from __future__ import annotations

from handlers.core.conversation import Conversation
from tests.integration.promotions.test_promotions import fill_promo_form, linked
from tests.support import seed_catalog


def test_the_promo_preview_has_no_number_zero_and_the_sent_promotion_has_its_own(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    boss = linked(Conversation(uow_factory, clock), uow_factory, clock, "boss", manager="M02")
    preview = fill_promo_form(boss)
    assert "📣 促销：夏季促销" in preview and "#0" not in preview
    boss.say("/lang en")
    boss.say("/cancel")
    preview = fill_promo_form(boss)
    assert "📣 Promotion: 夏季促销" in preview and "#0" not in preview
    assert "#1" in boss.press("Send")


def test_a_promotion_ending_on_a_date_is_shown_to_end_at_2359_that_day_not_the_next_midnight(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    boss = linked(Conversation(uow_factory, clock), uow_factory, clock, "boss", manager="M02")
    preview = fill_promo_form(boss)  # ends 2026-08-31
    assert "2026/8/31 23:59" in preview and "2026/9/1" not in preview
