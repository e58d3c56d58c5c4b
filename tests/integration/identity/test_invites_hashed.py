"""Invite codes are stored as the SHA-256 of the normalized code, never the code itself."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from handlers.core.conversation import Conversation
from storage.db import make_engine, make_session_factory, upgrade
from storage.uow import SqlAlchemyUnitOfWorkFactory
from tests.conftest import PG_URL, drop_pg_schema, pg_url_for, require_pg
from tests.support import Chat, invite, seed_catalog


def sha256(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def invite_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM invites"))]


def test_an_issued_code_is_stored_only_as_its_hash(db, uow_factory, clock):
    seed_catalog(uow_factory)
    code = invite(uow_factory, clock, dealer="D001")
    (row,) = invite_rows(db.engine)
    assert code not in [str(v) for v in row]
    assert sha256(code) in row


def test_a_hashed_code_links_once_whatever_its_spelling(uow_factory, clock):
    seed_catalog(uow_factory)
    code = invite(uow_factory, clock, dealer="D001")
    conversation = Conversation(uow_factory, clock)
    typed = f" {code[:4].lower()}-{code[4:].lower()} "
    assert "华西医疗" in Chat(conversation, "u1").say(f"/start {typed}")
    assert "已被使用" in Chat(conversation, "u2").say(f"/start {code}")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/old.db"
        return
    require_pg()
    schema = f"h_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    yield pg_url_for(schema)
    drop_pg_schema(schema)


def test_the_migration_hashes_codes_issued_before_it_and_they_still_link(empty_url, clock):
    engine = make_engine(empty_url)
    try:
        upgrade(empty_url, "0001", engine=engine)
        now = clock.now()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO dealers (code, name, legal_rep, phone, tier, credit_rating,"
                    " deposit, status) VALUES ('D9', '老经销商', '', '', '', '', 0, 'active')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO invites (code, dealer_id, created_at, expires_at) "
                    "SELECT 'OLDCODE2', id, :now, :until FROM dealers"
                ),
                {"now": now, "until": now + timedelta(hours=72)},
            )
        upgrade(empty_url, engine=engine)
        (row,) = invite_rows(engine)
        assert "OLDCODE2" not in [str(v) for v in row] and sha256("OLDCODE2") in row
        uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
        reply = Chat(Conversation(uow_factory, clock), "old1").say("/start oldcode2")
        assert "老经销商" in reply
    finally:
        engine.dispose()
