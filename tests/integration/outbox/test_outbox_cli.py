"""`dealerbot outbox retry`: failed messages queued again, and told how many."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from domain.shared.outbox import OutboxStatus, OutgoingMessage


@pytest.fixture
def cli(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db.url}"\n', encoding="utf-8")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--config", str(config), *args])


def _ended(uow_factory, key: str, status: OutboxStatus, at: datetime) -> None:
    with uow_factory() as uow:
        uow.outbox.enqueue(OutgoingMessage(key, "telegram", f"chat-{key}", {"text": key}), at)
        [item] = [i for i in uow.outbox.list() if i.dedupe_key == key]
        if status is not OutboxStatus.PENDING:
            uow.outbox.mark_final(item.id, status, "Bot API: 502 Bad Gateway", at)
        uow.commit()


def _statuses(uow_factory) -> dict[str, OutboxStatus]:
    with uow_factory() as uow:
        return {i.dedupe_key: i.status for i in uow.outbox.list()}


def test_outbox_retry_requeues_failed_messages_and_says_how_many(cli, uow_factory):
    # 2026-11-30 and 2026-12-01 08:00 in Shanghai (UTC+8).
    _ended(uow_factory, "old", OutboxStatus.FAILED, datetime(2026, 11, 30, 0, 0, tzinfo=UTC))
    _ended(uow_factory, "new", OutboxStatus.FAILED, datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    _ended(uow_factory, "gone", OutboxStatus.UNDELIVERABLE, datetime(2026, 12, 1, tzinfo=UTC))
    _ended(uow_factory, "waiting", OutboxStatus.PENDING, datetime(2026, 12, 1, tzinfo=UTC))

    result = cli("outbox", "retry", "--since", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert "queued 1 failed message again since 2026-12-01 00:00 Asia/Shanghai" in result.stdout
    assert _statuses(uow_factory)["new"] is OutboxStatus.PENDING
    assert _statuses(uow_factory)["old"] is OutboxStatus.FAILED

    result = cli("outbox", "retry", "--status", "failed")
    assert "queued 1 failed message again" in result.stdout
    assert _statuses(uow_factory) == {
        "old": OutboxStatus.PENDING,
        "new": OutboxStatus.PENDING,
        "gone": OutboxStatus.UNDELIVERABLE,
        "waiting": OutboxStatus.PENDING,
    }
    with uow_factory() as uow:
        [old] = [i for i in uow.outbox.list() if i.dedupe_key == "old"]
    assert old.attempts == 0 and old.failed_at is None and old.first_failed_at is None

    result = cli("outbox", "retry", "--status", "undeliverable", "--since", "2026-12-01 07:59")
    assert "queued 1 undeliverable message again" in result.stdout
    assert cli("outbox", "retry").stdout.strip() == "queued 0 failed messages again"


def test_outbox_retry_refuses_a_bad_date_or_status_and_changes_nothing(cli, uow_factory):
    _ended(uow_factory, "a", OutboxStatus.FAILED, datetime(2026, 12, 1, tzinfo=UTC))
    bad_date = cli("outbox", "retry", "--since", "yesterday")
    assert bad_date.exit_code == 2 and "--since 'yesterday' is not a date" in bad_date.output
    bad_status = cli("outbox", "retry", "--status", "sent")
    assert bad_status.exit_code == 2 and "use one of failed, undeliverable" in bad_status.output
    assert _statuses(uow_factory) == {"a": OutboxStatus.FAILED}


def test_outbox_still_lists_messages_by_status(cli, uow_factory):
    _ended(uow_factory, "a", OutboxStatus.FAILED, datetime(2026, 12, 1, tzinfo=UTC))
    listed = cli("outbox", "--status", "failed")
    assert listed.exit_code == 0 and "failed" in listed.stdout and "502" in listed.stdout
    assert cli("outbox", "--status", "sent").stdout.strip() == "no messages"
    assert cli("outbox", "--status", "lost").exit_code == 2
