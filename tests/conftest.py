"""Shared fixtures: one database fixture parametrised over SQLite and PostgreSQL.

PostgreSQL is the local server (DEALERBOT_TEST_PG_URL, default 127.0.0.1:5432 database
`test`); each test session works in a schema of its own, dropped at the end. Without the
server, PostgreSQL cases are skipped with a reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from domain.shared.clock import FixedClock
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import Base
from storage.uow import SqlAlchemyUnitOfWorkFactory

PG_URL = os.environ.get(
    "DEALERBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def pg_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}"


_PG_PROBLEM: str | bool | None = False  # False: not probed yet


def require_pg() -> None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = pg_available()
    if _PG_PROBLEM:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {_PG_PROBLEM}", pytrace=False)
        pytest.skip(_PG_PROBLEM)


def drop_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def pg_url_for(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


class Database:
    """A migrated database of one backend, emptied between tests."""

    def __init__(self, backend: str, url: str, engine: Engine, schema: str | None = None):
        self.backend = backend
        self.url = url
        self.engine = engine
        self.schema = schema
        self.session_factory = make_session_factory(engine)
        self.uow_factory = SqlAlchemyUnitOfWorkFactory(self.session_factory)

    def empty(self) -> None:
        existing = set(inspect(self.engine).get_table_names())
        tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
        with self.engine.begin() as conn:
            if self.backend == "postgresql":
                names = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for t in tables:
                    conn.execute(text(f'DELETE FROM "{t}"'))


def make_database(backend: str, tmp_dir) -> tuple[Database, callable]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir}/test.db"
        engine = make_engine(url)
        upgrade(url, engine=engine)
        return Database(backend, url, engine), engine.dispose
    require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = pg_url_for(schema)
    engine = make_engine(url)
    upgrade(url, engine=engine)

    def close() -> None:
        engine.dispose()
        drop_pg_schema(schema)

    return Database(backend, url, engine, schema), close


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory) -> Iterator[Database]:
    db, close = make_database(request.param, tmp_path_factory.mktemp(request.param))
    yield db
    close()


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    database.empty()
    yield database


@pytest.fixture
def uow_factory(db: Database) -> SqlAlchemyUnitOfWorkFactory:
    return db.uow_factory


@pytest.fixture
def clock() -> FixedClock:
    # A Friday morning in Shanghai: 2026-07-17 10:00 +08:00.
    return FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
