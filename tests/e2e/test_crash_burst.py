"""Nothing lost, nothing doubled: 200 sales reports with the bot killed (-9) mid-way."""

from __future__ import annotations

import pytest

from tests.e2e.crash_burst import TRANSPORTS, run_burst

IN_FLIGHT = 8  # updates a bot handles at once (TelegramService.concurrency, Slack's lanes)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_burst_of_reports_survives_a_kill_minus_9_stored_once_with_every_receipt(
    db, tmp_path, transport
):
    outcome = await run_burst(transport, db.url, db.uow_factory, tmp_path)
    assert (outcome.stored, outcome.doubled, outcome.receipts) == (200, 0, 200), outcome
    # A receipt sent just before the kill but not yet marked done is sent again after the
    # restart: at most the updates in flight, never a second effect.
    assert outcome.doubled_receipts <= IN_FLIGHT, outcome
