"""The [fees] section: defaults reach the core's options; a bad key stops start-up naming it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.config import ConfigError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fee_settings_reach_the_core_options(tmp_path):
    options = load_settings(
        write(
            tmp_path,
            '[fees]\nsecond_step_amount = 8000\nover_budget = "route"\nmax_file_mb = 2\n'
            "[fees.proof]\ndisplay = { photo = 4 }\n",
        )
    ).core_options()
    assert options.fee_second_step_amount == Decimal("8000")
    assert options.fee_over_budget == "route" and options.fee_max_file_bytes == 2 * 2**20
    assert options.fee_proof == (("display", (("photo", 4),)),)
    assert options.fee_claim_days == 30  # the default


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('over_budget = "ask"', "fees.over_budget"),
        ('over_budget_role = "chairman"', "fees.over_budget_role"),
        ("claim_days = -1", "fees.claim_days"),
        ("[fees.proof]\nbanquet = { photo = 1 }", "fees.proof"),
        ("[fees.proof]\ndisplay = { video = 1 }", "fees.proof"),
    ],
)
def test_a_bad_fee_setting_is_named(tmp_path, text, named):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, f"[fees]\n{text}\n"))
    assert named in str(err.value)
