"""`dealerbot notices load FILE.toml` against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from handlers.core.conversation import Conversation
from handlers.core.messages import Reply
from tests.integration.app.test_cli import cli  # noqa: F401  (the fixture)
from tests.integration.promotions.test_promotions import linked, outbox
from tests.support import seed_catalog

NOTICE = """
title = "新品培训：A100"
body = "请阅读附件中的产品手册。"
by = "M02"
attachment = "manual.pdf"
ack_by = 2099-01-31

[audience]
regions = ["SC"]

[[quiz]]
question = "A100 属于哪条产品线？"
choices = ["MON", "IMG"]
answer = 2
"""


def test_a_notice_file_is_loaded_with_its_attachment_and_sent_to_its_audience(
    cli,  # noqa: F811
    db,
    tmp_path,
    clock,
):
    seed_catalog(db.uow_factory)
    conv = Conversation(db.uow_factory, clock)
    linked(conv, db.uow_factory, clock, "d1", dealer="D001")
    linked(conv, db.uow_factory, clock, "d2", dealer="D002")
    (tmp_path / "manual.pdf").write_bytes(b"%PDF-1.4 manual")
    (tmp_path / "notice.toml").write_text(NOTICE, encoding="utf-8")
    result = cli("notices", "load", str(tmp_path / "notice.toml"))
    assert result.exit_code == 0, result.output
    assert "notice #1" in result.stdout and "1 contact(s) of 1 dealer(s)" in result.stdout
    [message] = [m for m in outbox(db.uow_factory) if m.dedupe_key.startswith("notice:")]
    reply = Reply.from_dict(message.payload)
    assert message.chat_id == "d1" and reply.document.content == b"%PDF-1.4 manual"
    with db.uow_factory() as uow:
        assert uow.notices.get(1).quiz.questions[0].answer == 1


def test_a_bad_notice_file_names_every_problem_and_sends_nothing(
    cli,  # noqa: F811
    db,
    tmp_path,
):
    seed_catalog(db.uow_factory)
    bad = NOTICE.replace('by = "M02"', 'by = "M01"').replace('["SC"]', '["SC", "XX"]')
    (tmp_path / "notice.toml").write_text(bad, encoding="utf-8")  # no manual.pdf beside it
    result = cli("notices", "load", str(tmp_path / "notice.toml"), "--by", "M09")
    assert result.exit_code == 1
    assert "nothing was sent" in result.output
    assert 'Attachment "manual.pdf" not found: on the command line' in result.output
    assert 'Manager "M09" does not exist' in result.output
    assert "Unknown codes in the audience: XX" in result.output
    with db.uow_factory() as uow:
        assert uow.notices.list() == []
