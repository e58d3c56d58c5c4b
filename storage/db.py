"""Engine and session factory; SQLite gets WAL and foreign keys, PostgreSQL uses psycopg 3."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

_ASSIGNMENT = re.compile(r"^(revision|down_revision|depends_on)\s*=\s*(.+?)\s*(?:#.*)?$", re.M)


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and drive them with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # pysqlite's own transaction handling is off so BEGIN IMMEDIATE below is ours.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


# Execution options for a transaction that only reads (`Session.connection(execution_options=
# READ_ONLY)` before anything else in it): on SQLite it takes no write lock, so a poll never
# holds up a writer (WAL readers see the last commit and block nobody).
READ_ONLY = {"dealerbot_read_only": True}


def _sqlite_begin(conn) -> None:
    if conn.get_execution_options().get("dealerbot_read_only"):
        conn.exec_driver_sql("BEGIN")
        return
    # Writers take the lock up front, so two workers never deadlock upgrading a read lock.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


@cache
def migration_graph() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The heads of the migrations and what each revision depends on, read from the
    scripts' `revision`, `down_revision` and `depends_on` lines (a millisecond; Alembic's
    own loading of the scripts takes a second, tests/integration/storage/test_migrations.py
    checks both agree)."""
    parents: dict[str, frozenset[str]] = {}
    below: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        found = dict(_ASSIGNMENT.findall(script.read_text(encoding="utf-8")))
        values = {key: ast.literal_eval(value) for key, value in found.items()}
        down, needs = _names(values.get("down_revision")), _names(values.get("depends_on"))
        parents[values["revision"]] = down | needs
        below |= down  # a revision another one needs is still a head of its own branch
    return frozenset(parents) - below, parents


def _names(value: str | tuple[str, ...] | None) -> frozenset[str]:
    return frozenset((value,) if isinstance(value, str) else value or ())


def at_heads(stamped: frozenset[str]) -> bool:
    """Whether a database stamped so has every migration: each head is stamped, or is
    below a stamped revision (Alembic leaves a revision out of the stamp once another
    that depends on it is applied)."""
    heads, parents = migration_graph()
    if not stamped or not stamped <= parents.keys():
        return False
    applied: set[str] = set()
    todo = list(stamped)
    while todo:
        r = todo.pop()
        if r not in applied:
            applied.add(r)
            todo.extend(parents[r])
    return heads <= applied


def stamped_revisions(engine: Engine) -> frozenset[str]:
    """The revisions the database says it has (none before the first migration)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return frozenset(rows)
    except DBAPIError:  # no such table yet
        return frozenset()


def upgrade(url: str, revision: str = "heads", engine: Engine | None = None) -> None:
    """Apply migrations up to `revision` (on `engine`'s connection if given).

    Up to the heads on a database already there, it costs one query and no Alembic.
    """
    if revision == "heads" and engine is not None and at_heads(stamped_revisions(engine)):
        return
    from alembic import command

    cfg = alembic_config(url)
    if engine is not None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
