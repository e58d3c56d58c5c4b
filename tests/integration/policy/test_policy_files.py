"""Policy files on SQLite and PostgreSQL: versions, reloads, removal, `/policy` in chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy_files import load_policy_files, sample_policy_files
from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment
from tests.support import Chat, invite, seed_catalog
from tests.unit.policy.test_policy_sources import make_pdf

SOURCE = Path(__file__).resolve().parents[2] / "data" / "policy_source.txt"


def names(uow_factory) -> dict[str, tuple[str, int]]:
    with uow_factory() as uow:
        return {d.name: (d.source, d.version) for d in uow.policy.documents()}


def linked(uow_factory, clock, conv, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


@pytest.fixture
def chats(uow_factory, clock):
    seed_catalog(uow_factory)
    load_policy_files(uow_factory, sample_policy_files(), clock)
    conv = Conversation(uow_factory, clock)
    return (
        linked(uow_factory, clock, conv, "admin", manager="M02"),
        linked(uow_factory, clock, conv, "boss", manager="M01"),
        linked(uow_factory, clock, conv, "dealer", dealer="D001"),
    )


def source_file() -> Attachment:
    return Attachment("经销商管理制度.txt", SOURCE.read_bytes(), "text/plain")


def test_reloading_a_file_replaces_its_documents_only_and_counts_its_version(
    uow_factory, clock, tmp_path
):
    load_policy_files(uow_factory, sample_policy_files(), clock)
    path = tmp_path / "source.txt"
    path.write_bytes(SOURCE.read_bytes())
    first = load_policy_files(uow_factory, [path], clock)
    assert len(first) == 11 and {d.version for d in first} == {1}
    before = names(uow_factory)
    assert before["dealer_policy.zh"] == ("dealer_policy.zh", 1)

    path.write_text("公司经销商管理制度\n\n第一条 新版本只有一条。\n", encoding="utf-8")
    [again] = load_policy_files(uow_factory, [path], clock)
    assert (again.name, again.version, again.source) == ("source", 2, "source")
    after = names(uow_factory)
    assert not any(n.startswith("source/") for n in after)  # the old version's documents
    assert after["dealer_policy.zh"] == before["dealer_policy.zh"]
    assert after["dealer_policy.en"] == before["dealer_policy.en"]
    with uow_factory() as uow:
        files = {f.source: f for f in uow.policy.files()}
    assert files["source"].version == 2 and len(files["source"].documents) == 1


def test_removing_a_file_leaves_the_others(uow_factory, clock, tmp_path):
    load_policy_files(uow_factory, sample_policy_files(), clock)
    path = tmp_path / "source.txt"
    path.write_bytes(SOURCE.read_bytes())
    load_policy_files(uow_factory, [path], clock)
    with uow_factory() as uow:
        removed = uow.policy.remove("source")
        uow.commit()
    assert len(removed) == 11
    assert set(names(uow_factory)) == {"dealer_policy.zh", "dealer_policy.en"}
    with uow_factory() as uow:
        assert uow.policy.remove("nothing") == []


def test_an_admin_loads_a_file_in_chat_and_dealers_are_answered_from_it(chats):
    admin, _, dealer = chats
    reply = admin.say("/policy load", file=source_file())
    assert "已加载 经销商管理制度.txt（第 1 版）：11 份文档" in reply
    assert "《公司经销商管理制度》9 条" in reply
    answer = dealer.say("/ask 经销商的评估标准是什么")
    assert "销售业绩、市场份额、服务质量" in answer and "📄 《经销商管理制度范文》" in answer
    listing = admin.say("/policy list")
    assert "经销商管理制度（第 1 版" in listing and "dealer_policy.zh" in listing
    again = admin.say("/policy load", file=source_file())
    assert "第 2 版" in again and "替换了该文件上一版的 11 份文档" in again


def test_a_long_clause_is_quoted_by_its_answering_sentence(chats):
    admin, _, dealer = chats
    admin.say("/policy remove dealer_policy.zh")
    admin.say("/policy remove dealer_policy.en")
    admin.say("/policy load", file=source_file())
    answer = dealer.say("/ask 经销商享有市场保护权吗")
    assert "《公司经销商管理制度》第五条" in answer
    assert "4. 享有公司授权范围内的市场保护权" in answer
    assert "1. 享有公司产品在授权区域内的销售权" not in answer  # the sentence, not the article


def test_an_english_question_over_the_chinese_text_opens_with_an_english_sentence(chats):
    admin, _, dealer = chats
    admin.say("/policy remove dealer_policy.en")
    admin.say("/policy load", file=source_file())
    answer = dealer.say("/ask what is the deposit for dealers?")
    assert answer.startswith("This policy exists in Chinese only")
    assert "保证金" in answer and "保证金 = deposit" in answer


def test_only_admins_load_files_and_a_scan_is_refused_saying_why(chats):
    admin, boss, dealer = chats
    assert "只有管理员" in boss.say("/policy load", file=source_file())
    assert "只有管理员" in dealer.say("/policy load", file=source_file())
    scan = Attachment("scan.pdf", make_pdf(None), "application/pdf")
    assert "扫描件" in admin.say("/policy load", file=scan)
    assert "附件" in admin.say("/policy load")  # no file: how to send one
    assert "无法读取" in admin.say("/policy load", file=Attachment("x.doc", b"x"))


def test_an_admin_removes_a_file_in_chat(chats):
    admin, _, _ = chats
    admin.say("/policy load", file=source_file())
    assert "11 份文档不再用于回答问题" in admin.say("/policy remove 经销商管理制度")
    assert "没有名为" in admin.say("/policy remove 经销商管理制度")


def test_policy_list_and_remove_on_the_command_line(db, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db.url}"\n', encoding="utf-8")
    path = tmp_path / "source.txt"
    path.write_bytes(SOURCE.read_bytes())
    runner = CliRunner()
    base = ["--config", str(config), "policy"]
    loaded = runner.invoke(app, [*base, "load", str(path)])
    assert loaded.exit_code == 0 and "[file source, version 1]" in loaded.stdout
    listed = runner.invoke(app, [*base, "list"])
    assert "source  version 1" in listed.stdout and "source/公司经销商管理制度" in listed.stdout
    removed = runner.invoke(app, [*base, "remove", "source"])
    assert removed.exit_code == 0 and removed.stdout.count("removed ") == 11
    missing = runner.invoke(app, [*base, "remove", "source"])
    assert missing.exit_code == 1


def test_a_violation_notice_cites_the_clause_of_the_loaded_policy(chats):
    admin, _, dealer = chats
    for name in ("dealer_policy.zh", "dealer_policy.en"):
        admin.say(f"/policy remove {name}")
    without = dealer.say("/report A100 1 2999.99 华西医院")
    assert "《经销商管理制度》七、价格体系管理第2条" in without  # the fixed wording
    admin.say("/policy load", file=source_file())
    receipt = dealer.say("/report A100 1 2999.99 华西医院")
    assert (
        "依据：《经销商管理制度范文》七、价格体系管理 第2条：经销商终端销售价格不能低于" in receipt
    )
    answer = dealer.say("/ask 终端销售价格可以低于公司规定的最低价吗")
    assert "《经销商管理制度范文》七、价格体系管理 第2条" in answer  # Q&A cites the same clause
