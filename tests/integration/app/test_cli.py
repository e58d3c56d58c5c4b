"""The `dealerbot` command line against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from bot.cli import app
from domain.identity.actors import CODE_ALPHABET, CODE_LENGTH

CODE_LINE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


@pytest.fixture
def cli(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray ./config.toml; files land in tmp_path
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db.url}"\n', encoding="utf-8")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, ["--config", str(config), *args], input=input)

    return invoke


def test_help_lists_every_command(cli):
    result = cli("--help")
    for command in ("run", "import", "demo", "invite", "db", "chat", "outbox"):
        assert command in result.stdout


def test_demo_help_names_everything_demo_seeds(cli):
    text = " ".join(cli("demo", "--help").stdout.split())
    for kind in ("contracts", "authorizations", "policy documents", "three months of sales"):
        assert kind in text


def test_db_upgrade_says_the_database_is_up_to_date(cli):
    result = cli("db", "upgrade")
    assert result.exit_code == 0 and "up to date" in result.stdout


def test_demo_seeds_once_and_a_second_run_changes_nothing(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert re.search(r"dealers\s+6 created", first.stdout)
    assert "dealer_policy.zh" in first.stdout  # the sample policy for Q&A
    assert re.search(r"history\s+\d{3} sales, 6 violations, 4 tickets, 1 promotion", first.stdout)
    second = cli("demo")
    assert re.search(r"dealers\s+0 created\s+0 updated\s+6 unchanged", second.stdout)
    assert "history         already in place" in second.stdout
    assert "policy          already loaded" in second.stdout


def test_invite_prints_the_code_alone_on_the_last_line(cli):
    cli("demo")
    for who, code in (("dealer", "D001"), ("manager", "M001")):
        result = cli("invite", who, code)
        assert result.exit_code == 0
        assert CODE_LINE.match(result.stdout.strip().splitlines()[-1])
    missing = cli("invite", "dealer", "D404")
    assert missing.exit_code == 1 and "no dealer with code D404" in missing.stderr


def test_import_reports_counts_and_a_bad_file_lists_every_bad_row(cli, tmp_path):
    good = tmp_path / "regions.csv"
    good.write_text("code,name,parent_code\nCN,中国,\nCN-SC,四川省,CN\n", encoding="utf-8")
    result = cli("import", "regions", str(good))
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged" in result.stdout
    assert "0 created, 0 updated, 2 unchanged" in cli("import", "regions", str(good)).stdout
    good.write_text("code,name,parent_code\nCN,中华人民共和国,\nCN-CQ,重庆市,CN\n", "utf-8")
    checked = cli("import", "regions", str(good), "--dry-run")
    assert "1 created, 1 updated, 0 unchanged (dry run: nothing stored)" in checked.stdout
    assert "1 created, 1 updated" in cli("import", "regions", str(good)).stdout

    bad = tmp_path / "terminals.csv"
    bad.write_text(
        "code,name,region_code\nT-1,华西医院,CN-SC\nT-2,,CN-SC\nT-3,某医院,CN-XX\n",
        encoding="utf-8",
    )
    result = cli("import", "terminals", str(bad))
    assert result.exit_code == 1
    assert "nothing was stored" in result.stderr
    assert "row 3, column name: name is required" in result.stderr
    assert "row 4, column region_code: unknown region 'CN-XX'" in result.stderr
    assert "row 2" not in result.stderr


def test_import_refuses_an_unknown_kind_or_a_missing_file(cli, tmp_path):
    assert cli("import", "widgets", str(tmp_path)).exit_code == 2
    missing = cli("import", "regions", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_run_without_credentials_serves_the_console_on_demo_data(cli):
    result = cli("run", "--no-scheduler", input="/help\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "serving console" in out
    assert "seeded demo data" in out
    assert re.search(r"link as dealer D001:\s+/start [A-Z0-9]{8}", out)
    assert "/help" in out  # the bot answered the piped line
    again = cli("run", "--no-scheduler", input="")
    assert "seeded demo data" not in again.stdout


def test_run_refuses_a_transport_without_credentials(cli):
    result = cli("run", "--transport", "telegram")
    assert result.exit_code == 2
    assert "no credentials" in result.stderr


def test_outbox_refuses_a_limit_below_one_and_names_the_option(cli):
    result = cli("outbox", "--limit", "0")
    assert result.exit_code == 2 and "--limit" in result.output
    assert cli("outbox", "--limit", "1").exit_code == 0
