"""A sales sheet far over the limits is refused quickly, with bounded memory, naming the cap,
while other users are answered."""

from __future__ import annotations

import asyncio
import io
import time
import tracemalloc
import zipfile

import pytest

from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment, Inbound
from handlers.core.sheets import MAX_ROWS, MAX_UNPACKED_MB
from tests.support import Chat, invite, seed_catalog
from tests.xlsx_files import many_rows_xlsx

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


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
    assert len(content) < 8 << 20  # 7.9 MB on disk, 79 MB of XML inside

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
    content = many_rows_xlsx(60_000)  # 0.5 MB, unpacks to 4.5 MB: under the size cap
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
