"""The domain's kernel: money, time, periods, numerals, record ids, outbox values, ports."""
