from dataclasses import replace
from decimal import Decimal

from bot.config import PolicySettings, Settings
from handlers.core.options import CoreOptions


def test_an_empty_config_gives_the_cores_defaults_but_limits_each_user():
    assert Settings().core_options() == replace(CoreOptions(), user_rate_per_minute=30)


def test_the_policy_section_reaches_the_core_typed():
    settings = Settings(
        policy=PolicySettings(
            severe_price_gap="0.2", complaint_sla_hours_by_category={"quality": 12}
        )
    )
    options = settings.core_options()
    assert options.severe_price_gap == Decimal("0.2")
    assert options.complaint_sla_by_category == (("quality", 12),)
    assert options.complaint_sla_by_urgency == (("high", 24),)
