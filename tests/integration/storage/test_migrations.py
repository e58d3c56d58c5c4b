"""Migrations build the whole schema on an empty database, and match the models exactly."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from storage.db import alembic_config, make_engine, upgrade
from storage.models import Base
from tests.conftest import PG_URL, drop_pg_schema, pg_url_for, require_pg


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    require_pg()
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    yield pg_url_for(schema)
    drop_pg_schema(schema)


def test_upgrade_builds_every_table_on_an_empty_database_and_is_repeatable(empty_url):
    engine = make_engine(empty_url)
    try:
        upgrade(empty_url)
        upgrade(empty_url)  # nothing left to do the second time
        script = ScriptDirectory.from_config(alembic_config(empty_url))
        with engine.connect() as conn:
            applied = tuple(MigrationContext.configure(conn).get_current_heads())
        # Features add their own branches (and depend on each other): none may be pending.
        assert applied
        assert list(script.iterate_revisions("heads", applied)) == []
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_the_models_and_the_migrations_describe_the_same_schema(empty_url):
    engine = make_engine(empty_url)
    try:
        upgrade(empty_url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        engine.dispose()
