"""Statements on the path of every message, compiled once per dialect and run on the DBAPI
cursor of the session's connection.

A Core `Connection.execute` costs about 60 µs of Python per statement here (the cache-key
lookup, the execution context, the result object) where the driver needs about 5 µs; on
SQLite that was most of what a sales report cost the core (bench/report_core.py). `Prepared`
keeps what matters of SQLAlchemy: its compiler (per dialect, once) and its type processing
(every bind and result value goes through the same processors as a normal execute: UTC
datetimes, Numeric, JSON, dates on SQLite), and DBAPI errors come out as SQLAlchemy's
(`IntegrityError` and the rest). It runs inside the session's transaction, on its
connection, and listeners of `before_cursor_execute` and `echo` still see its statements.

What it does not do, so what its statements must not need: Python-side column defaults
(an insert names every column it writes), expanding `IN` or literal-execute parameters,
and server-side cursors. `Prepared` refuses such a statement when it compiles it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

_echo = logging.getLogger("sqlalchemy.engine.Engine")


@dataclass
class _Plan:
    sql: str
    order: tuple[str, ...] | None  # parameter names in order (positional styles), else None
    literals: dict[str, Any]  # values bound by the statement itself
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # name -> bind processor
    types: tuple[Any, ...]  # of the result columns (RETURNING included)
    results: tuple[Callable[[Any], Any] | None, ...] | None = None  # after the first fetch


class Prepared:
    """One Core statement, run many times with different parameters."""

    def __init__(self, statement: Any, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        columns = getattr(self.statement, "exported_columns", ())
        # A DML statement without RETURNING of its own: no implicit RETURNING of the key.
        plain_dml = self.statement.is_dml and not columns
        compiled = self.statement.compile(
            dialect=dialect, column_keys=self.column_keys, for_executemany=plain_dml
        )
        if compiled.post_compile_params or compiled.escaped_bind_names:
            raise ValueError(f"not a statement for Prepared: {compiled.string[:200]}")
        binds = []
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds.append((name, process))
        plan = _Plan(
            sql=compiled.string,
            order=tuple(compiled.positiontup) if dialect.positional else None,
            literals={n: b.effective_value for n, b in compiled.binds.items() if not b.required},
            binds=tuple(binds),
            types=tuple(c.type for c in columns),
        )
        self._plans[dialect.name] = plan
        return plan

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Run with `params` in the connection's transaction; every row, as tuples."""
        dialect = conn.dialect
        plan = self._plans.get(dialect.name) or self._plan(dialect)
        values = {**plan.literals, **params}
        for name, process in plan.binds:
            values[name] = process(values[name])
        args: Any = tuple(values[n] for n in plan.order) if plan.order is not None else values
        cursor = conn.connection.cursor()
        try:
            # Whoever watches the engine's statements (tracing, counting, echo) still sees these.
            for watch in conn.dispatch.before_cursor_execute:
                watch(conn, cursor, plan.sql, args, None, False)
            if conn.engine.echo:
                _echo.info("%s %r", plan.sql, args)
            cursor.execute(plan.sql, args)
            rows = cursor.fetchall() if cursor.description else []
            if rows and plan.results is None:
                plan.results = _result_processors(dialect, plan.types, cursor.description)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                plan.sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        finally:
            cursor.close()
        processors = plan.results
        if not rows or not processors or not any(processors):
            return rows
        return [
            tuple(v if p is None or v is None else p(v) for p, v in zip(processors, r, strict=True))
            for r in rows
        ]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple | None:
        found = self.rows(conn, params)
        return found[0] if found else None


def _result_processors(dialect: Dialect, types: tuple, description) -> tuple:
    if len(types) != len(description):
        raise ValueError(f"{len(description)} columns came back, {len(types)} expected")
    return tuple(
        t.dialect_impl(dialect).result_processor(dialect, d[1])
        for t, d in zip(types, description, strict=True)
    )
