"""storage/prepared.py on both backends: the same values and Python types as SQLAlchemy's
own execute, binds through the column types, DBAPI errors as SQLAlchemy's, refused shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError

from storage.catalog.models import ContractRow, DealerRow
from storage.core.inbound import _ARRIVAL, _REMEMBER
from storage.models import AuditRow, InboundSeenRow, OutboxRow
from storage.prepared import Prepared
from storage.sales.sale_facts import DEALER_RULES, PRODUCT_WITH_PRICES
from tests.support import seed_catalog

AT = datetime(2026, 7, 17, 2, 0, 30, 123000, tzinfo=UTC)


def _same(prepared: Prepared, conn, params: dict) -> list[tuple]:
    """Prepared's rows, checked against SQLAlchemy's for values and types."""
    ours = prepared.rows(conn, params)
    theirs = [tuple(r) for r in conn.execute(prepared.statement, params)]
    assert ours == theirs
    for mine, reference in zip(ours, theirs, strict=True):
        assert [type(v) for v in mine] == [type(v) for v in reference]
    return ours


def test_reads_give_the_values_and_types_sqlalchemy_gives(db, uow_factory):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        dealer = s.scalar(select(DealerRow).where(DealerRow.code == "D001"))
        s.add(
            ContractRow(
                dealer=dealer,
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
                annual_target=Decimal("1200000.50"),
                deposit=Decimal("50000"),
                franchise_fee=Decimal("0.10"),
            )
        )
        s.flush()
        conn = s.connection()
        products = _same(PRODUCT_WITH_PRICES, conn, {"sku": "A100"})
        assert products and isinstance(products[0][4], Decimal)  # a price, as Decimal
        rules = _same(DEALER_RULES, conn, {"sku": "A100", "dealer": "D001"})
        contract = next(r for r in rules if r[0] == "contract")
        assert contract[1:4] == (date(2026, 1, 1), date(2026, 12, 31), Decimal("1200000.50"))
        assert _same(PRODUCT_WITH_PRICES, conn, {"sku": "NOPE"}) == []


def test_writes_go_through_the_column_types_and_read_back_the_same(db, uow_factory):
    replies = [{"text": "已记录 ¥3,500.00", "buttons": [[["撤回", "w:1"]]]}]
    with uow_factory() as uow:
        conn = uow.session.connection()
        assert _REMEMBER.rows(conn, {"key": "k1", "at": AT, "replies": replies}) == []
        arrival = _same(
            _ARRIVAL, conn, {"key": "k1", "platform": "t", "chat_id": "1", "user_id": "1"}
        )
        assert arrival[0][0] == replies  # JSON back as it went in
        uow.commit()
    with uow_factory() as uow:
        row = uow.session.get(InboundSeenRow, "k1")
        assert row is not None and row.at == AT and row.at.tzinfo is not None
        assert row.replies == replies


def test_a_naive_datetime_is_refused_by_the_column_type(db, uow_factory):
    with uow_factory() as uow, pytest.raises(ValueError, match="naive"):
        _REMEMBER.rows(uow.session.connection(), {"key": "k", "at": datetime(2026, 1, 1)})


def test_a_duplicate_key_raises_sqlalchemys_integrity_error(db, uow_factory):
    with uow_factory() as uow:
        conn = uow.session.connection()
        _REMEMBER.rows(conn, {"key": "k1", "at": AT, "replies": []})
        with pytest.raises(IntegrityError):
            _REMEMBER.rows(conn, {"key": "k1", "at": AT, "replies": []})


def test_values_bound_by_the_statement_itself_are_sent(db, uow_factory):
    pending = Prepared(
        select(OutboxRow.dedupe_key)
        .where(OutboxRow.status == "pending", OutboxRow.chat_id == bindparam("chat"))
        .order_by(OutboxRow.id)
    )
    with uow_factory() as uow:
        s = uow.session
        for key, status in (("a", "pending"), ("b", "sent"), ("c", "pending")):
            s.add(
                OutboxRow(
                    dedupe_key=key,
                    platform="t",
                    chat_id="1",
                    payload={},
                    status=status,
                    created_at=AT,
                    not_before=AT,
                )
            )
        s.flush()
        assert _same(pending, s.connection(), {"chat": "1"}) == [("a",), ("c",)]


def test_an_insert_without_returning_fetches_nothing_and_watchers_see_it(db, uow_factory):
    audit = Prepared(insert(AuditRow), ["at", "platform", "user_id", "actor", "action", "detail"])
    seen: list[str] = []
    watch = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        with uow_factory() as uow:
            values = {"at": AT, "platform": "t", "user_id": "1", "actor": "x", "action": "y"}
            assert audit.rows(uow.session.connection(), {**values, "detail": ""}) == []
            uow.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert [s for s in seen if "audit_log" in s] and "RETURNING" not in seen[-1]


def test_statements_it_cannot_run_are_refused_when_compiled(db, uow_factory):
    expanding = Prepared(
        select(OutboxRow.id).where(OutboxRow.id.in_(bindparam("ids", expanding=True)))
    )
    with uow_factory() as uow, pytest.raises(ValueError, match="not a statement for Prepared"):
        expanding.rows(uow.session.connection(), {"ids": [1, 2]})
