"""A bad scheduler setting stops start-up with a message naming the key, not a traceback."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_time_zone_is_named_with_its_key(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[scheduler]\ntimezone = "Mars/Base"\n'))
    assert "scheduler.timezone: unknown time zone 'Mars/Base'" in str(err.value)


def test_a_bad_cron_string_is_named_with_its_key_in_the_file_or_the_environment(
    tmp_path, monkeypatch
):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[scheduler]\ntarget_alerts = "0 99 * * *"\n'))
    assert "scheduler.target_alerts:" in str(err.value) and "99" in str(err.value)
    monkeypatch.setenv("DEALERBOT_SCHEDULER__HOUSEKEEPING", "every night")
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, ""))
    assert "scheduler.housekeeping: cron 'every night': expected 5 fields" in str(err.value)


def test_valid_schedules_last_day_of_month_and_an_empty_cron_load(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            '[scheduler]\ntimezone = "Europe/Berlin"\n'
            'target_alerts_month_end = "0 18 L * *"\nviolation_digest = ""\n',
        )
    )
    assert settings.scheduler.timezone == "Europe/Berlin"
