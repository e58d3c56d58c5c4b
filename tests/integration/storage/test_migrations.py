"""Migrations build the whole schema on an empty database, and match the models exactly."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from storage.db import (
    alembic_config,
    at_heads,
    make_engine,
    migration_graph,
    stamped_revisions,
    upgrade,
)
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


def test_the_start_up_check_knows_the_heads_and_upgrades_a_database_behind(empty_url):
    script = ScriptDirectory.from_config(alembic_config(empty_url))
    heads, parents = migration_graph()
    assert set(script.get_heads()) == heads
    for revision in script.walk_revisions():
        named = {*revision._normalized_down_revisions, *revision._normalized_resolved_dependencies}
        assert parents[revision.revision] == named
    engine = make_engine(empty_url)
    try:
        assert not at_heads(stamped_revisions(engine))  # no table yet
        upgrade(empty_url, "0004", engine=engine)  # a database left behind (0004 needs 0002)
        assert stamped_revisions(engine) == {"0004"}
        assert not at_heads(stamped_revisions(engine))
        upgrade(empty_url, engine=engine)  # the fast path sees it and runs Alembic
        assert at_heads(stamped_revisions(engine))
        assert "notices" in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads()  # Alembic agrees
        assert not at_heads(stamped_revisions(engine) - {"0026"})
        assert not at_heads(stamped_revisions(engine) | {"9999"})  # a newer release's database
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
