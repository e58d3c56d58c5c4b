"""A dealer's deposit (保证金) as an append-only ledger: its balance is the sum of entries."""
