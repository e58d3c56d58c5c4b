"""Nothing lost, nothing doubled: 200 sales reports with the bot killed (-9) mid-way."""

from __future__ import annotations

import pytest

from tests.e2e.crash_burst import TRANSPORTS, run_burst


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_burst_of_reports_survives_a_kill_minus_9_with_every_receipt_once(
    db, tmp_path, transport
):
    outcome = await run_burst(transport, db.url, db.uow_factory, tmp_path)
    assert (outcome.stored, outcome.doubled) == (200, 0), outcome
    assert (outcome.receipts, outcome.doubled_receipts) == (200, 0), outcome
