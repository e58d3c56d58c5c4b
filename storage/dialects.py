"""What differs per database, built on first use: a SQLite deployment never imports
PostgreSQL's dialect module (about 40 ms of every start)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def dialect_insert(name: str) -> Callable[..., Any]:
    """The dialect's own `insert` (ON CONFLICT is spelled per database)."""
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def insert_for(session_or_conn: Any) -> Callable[..., Any]:
    """`dialect_insert` for the database a Session (or Connection) is bound to."""
    bind = getattr(session_or_conn, "bind", None) or session_or_conn
    return dialect_insert(bind.dialect.name)


class PerDialect(Generic[T]):
    """A value made once per dialect name, when it is first asked for (`made["sqlite"]`)."""

    def __init__(self, make: Callable[[str], T]) -> None:
        self._make = make
        self._made: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self._made:  # two threads racing make it twice, alike: harmless
            self._made[name] = self._make(name)
        return self._made[name]
