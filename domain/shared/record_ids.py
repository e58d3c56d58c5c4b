"""Record numbers as users type them (`12`, `#12`): only what a stored record's id can be."""

from __future__ import annotations

MAX_RECORD_ID = 2**31 - 1  # an INTEGER primary key on PostgreSQL


def parse_record_id(text: str, prefixes: str = "#") -> int | None:
    """`12` or `#12` -> 12; `abc`, `0`, `²` or a number no id column holds -> None."""
    t = text.strip().lstrip(prefixes)
    return int(t) if t.isdecimal() and 0 < int(t) <= MAX_RECORD_ID else None
