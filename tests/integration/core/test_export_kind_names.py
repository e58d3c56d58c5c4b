"""Export kinds as the reader names them: Chinese replies list 销售、违规记录…, never the
English kind words, and a Chinese name (whole or its start) picks the kind."""

from __future__ import annotations

import re

from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog

KINDS = ("sales", "violations", "complaints", "approvals")


def manager_chat(uow_factory, clock) -> Chat:
    seed_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "boss")
    chat.say(f"/start {invite(uow_factory, clock, manager='M02')}")
    return chat


def test_a_chinese_reply_lists_export_kinds_by_their_chinese_names(uow_factory, clock):
    chat = manager_chat(uow_factory, clock)
    for text in (chat.say("/export"), chat.say("/export 天气")):
        assert "销售" in text and "违规记录" in text and "投诉工单" in text, text
        assert not re.search(r"\b(" + "|".join(KINDS) + r")\b", text), text
    english = chat.say("/lang en") and chat.say("/export")
    assert "Complaints" in english and "投诉" not in english


def test_a_kind_named_in_chinese_or_by_its_start_is_exported(uow_factory, clock):
    chat = manager_chat(uow_factory, clock)
    sales = chat.send("/export 销售 2026-07")[0].document
    assert sales is not None and sales.filename == "sales-2026-07.xlsx"
    complaints = chat.send("/export 投诉 2026-07")[0].document
    assert complaints is not None and complaints.filename == "complaints-2026-07.xlsx"
    english = chat.send("/export Violations 2026-07")[0].document
    assert english is not None and english.filename == "violations-2026-07.xlsx"
