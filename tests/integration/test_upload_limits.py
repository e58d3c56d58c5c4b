# ruff: noqa: E501  (the XML parts of an XLSX, verbatim)
"""A sales sheet far over the limits is refused quickly, with bounded memory, naming the cap,
while other users are answered."""

from __future__ import annotations

import asyncio
import io
import time
import tracemalloc
import zipfile

import pytest

from handlers.conversation import Conversation
from handlers.messages import Attachment, Inbound
from handlers.sheets import MAX_ROWS, MAX_UNPACKED_MB
from tests.support import Chat, invite, seed_catalog

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def many_rows_xlsx(rows: int) -> bytes:
    """A sales sheet of `rows` data rows, written as XML straight into the zip (small on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1">'
                + b"".join(
                    f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode()
                    for col, name in zip(
                        "ABCD", ("sku", "qty", "unit_price", "terminal_code"), strict=True
                    )
                )
                + b"</row>"
            )
            for start in range(2, rows + 2, 10_000):
                chunk = "".join(
                    f'<row r="{n}"><c r="B{n}"><v>1</v></c><c r="C{n}"><v>3500</v></c></row>'
                    for n in range(start, min(start + 10_000, rows + 2))
                )
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture
def conversation(uow_factory, clock):
    seed_catalog(uow_factory)
    return Conversation(uow_factory, clock)


@pytest.fixture
def dealer(conversation, uow_factory, clock):
    chat = Chat(conversation, "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def test_a_million_row_xlsx_is_refused_in_seconds_naming_the_caps(dealer):
    content = many_rows_xlsx(1_000_000)
    assert len(content) < 8 << 20  # small on disk, about 60 MB of XML inside

    tracemalloc.start()
    started = time.monotonic()
    answer = dealer.say(file=Attachment("million.xlsx", content))
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert f"最多 {MAX_UNPACKED_MB} MB、{MAX_ROWS} 行" in answer
    assert seconds < 5
    assert peak < 32 << 20


def test_a_file_of_60000_rows_under_the_size_cap_stops_reading_at_the_row_cap(dealer):
    content = many_rows_xlsx(60_000)  # ~0.2 MB, unpacks to less than the size cap
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sum(i.file_size for i in archive.infolist()) < MAX_UNPACKED_MB << 20

    started = time.monotonic()
    answer = dealer.say(file=Attachment("small.xlsx", content))

    assert f"最多 {MAX_ROWS} 行" in answer
    assert time.monotonic() - started < 5


async def test_another_users_help_is_answered_within_a_second_meanwhile(
    conversation, dealer, uow_factory
):
    content = many_rows_xlsx(60_000)
    upload = Inbound("console", "d1", "d1", file=Attachment("big.xlsx", content), dedupe_key="u:1")
    help_ = Inbound("console", "u2", "u2", text="/help", dedupe_key="h:1")

    refused = asyncio.ensure_future(conversation.handle_async(upload))
    await asyncio.sleep(0.05)  # the sheet is being read
    started = time.monotonic()
    [answer] = await conversation.handle_async(help_)
    help_seconds = time.monotonic() - started
    [refusal] = await refused

    assert "/start" in answer.text and f"最多 {MAX_ROWS} 行" in refusal.text
    assert help_seconds < 1.0
