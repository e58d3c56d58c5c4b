"""/promo edit ID end holds to the same rule as the form: the end comes after the start."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.core.conversation import Conversation
from tests.integration.promotions.test_promotions import fill_promo_form, linked
from tests.support import seed_catalog


def test_editing_a_promotion_to_end_before_it_starts_is_refused_and_a_later_end_is_kept(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    boss = linked(Conversation(uow_factory, clock), uow_factory, clock, "boss", manager="M02")
    fill_promo_form(boss, start="2026-08-01 09:00")  # today is 2026-07-17
    assert "#1" in boss.press("存为草稿")
    assert "结束时间必须晚于开始时间" in boss.say("/promo edit 1 end 2026-07-20")
    assert "结束时间必须晚于开始时间" in boss.say("/promo edit 1 end 2026-08-01 09:00")
    assert "已修改" in boss.say("/promo edit 1 end 2026-08-01")  # the whole first day
    with uow_factory() as uow:
        promo = uow.promotions.get(1)
    assert (
        promo.ends_at.astimezone(ZoneInfo("Asia/Shanghai"))
        .isoformat()
        .startswith("2026-08-02T00:00")
    )


def test_the_english_title_and_body_can_be_edited_and_a_bad_field_shows_the_fields(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    boss = linked(Conversation(uow_factory, clock), uow_factory, clock, "boss", manager="M02")
    fill_promo_form(boss, start="2026-08-01 09:00")
    assert "#1" in boss.press("存为草稿")
    assert "已修改" in boss.say("/promo edit 1 title_en Summer rebate on A100")
    assert "已修改" in boss.say("/promo edit 1 body-en 3% back on every A100 sold in August.")
    with uow_factory() as uow:
        promo = uow.promotions.get(1)
    assert promo.title_en == "Summer rebate on A100"
    assert promo.body_en == "3% back on every A100 sold in August."
    assert "title_en" in boss.say("/promo edit 1 subject 夏季返利")
