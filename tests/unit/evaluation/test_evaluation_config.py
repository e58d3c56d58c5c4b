"""The [evaluation] section: defaults reach the core, bad settings stop start-up by name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.config import ConfigError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_configured_weights_bands_and_appeal_days_reach_the_core(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            "[evaluation]\nappeal_days = 3\nfull_market_share = 25\n"
            "[evaluation.weights]\nsales = 50\ntraining = 0\n"
            "[evaluation.bands]\nA = 90\nB = 75\nC = 60\n",
        )
    )
    rules = settings.core_options().evaluation
    assert rules.appeal_days == 3 and rules.full_market_share == Decimal("25")
    assert dict(rules.weights) == {"sales": 50, "training": 0}
    assert rules.bands == (("A", 90), ("B", 75), ("C", 60))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[evaluation.weights]\nspeed = 10\n", "unknown criterion 'speed'"),
        ('[evaluation.consequences]\nA = ["promote"]\n', "unknown consequence 'promote'"),
        ('[evaluation.consequences]\nE = ["warning"]\n', "unknown grade 'E'"),
        ("[evaluation]\nappeal_days = -1\n", "evaluation.appeal_days"),
    ],
)
def test_a_bad_evaluation_setting_is_named(tmp_path, text, named):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert named in str(err.value)
