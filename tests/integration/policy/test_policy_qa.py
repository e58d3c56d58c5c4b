"""Policy Q&A on SQLite and PostgreSQL: loading, citations, not-sure path, manager answers, FAQ."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.policy_files import PolicyFileError, load_policy_files, sample_policy_files
from handlers.core.conversation import Conversation
from handlers.core.options import CoreOptions
from tests.support import Chat, invite, seed_catalog

ARTICLES_TXT = """公司经销商管理制度

第一章 总则
第一条 为规范经销商管理，制定本制度。
第二条 本制度适用于所有经销商。
第二章 价格
第三条 经销商不得低于最低终端售价销售。
第十条 投标价格不得低于最低中标价，否则没收保证金。
"""

HEADINGS_MD = """# 售后手册

## 一、售后服务
经销商负责维修和退换货。

## 二、投诉处理
1. 收到投诉后48小时内响应。
2. 处理完毕后回访客户。
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def documents(uow_factory):
    with uow_factory() as uow:
        return {d.name: d for d in uow.policy.documents()}


def linked(uow_factory, clock, conv, user, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


@pytest.fixture
def world(uow_factory, clock):
    """The sample policy loaded, a dealer contact of D001 and its manager M01 linked."""
    seed_catalog(uow_factory)
    load_policy_files(uow_factory, sample_policy_files(), clock)
    conv = Conversation(uow_factory, clock)
    dealer = linked(uow_factory, clock, conv, "dealer1", dealer="D001")
    manager = linked(uow_factory, clock, conv, "boss", manager="M01")
    return conv, dealer, manager


def outbox_texts(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [i.payload["text"] for i in uow.outbox.list() if i.chat_id == chat_id]


def publish_faq(manager: Chat, text: str) -> str:
    """Write an FAQ entry as a draft, then publish it; the reply to publishing."""
    drafted = manager.say(f"/faq new {text}")
    assert "草稿" in drafted, drafted
    return manager.press("发布")


def test_plain_text_with_chinese_articles_loads_one_clause_per_article(uow_factory, tmp_path):
    loaded = load_policy_files(uow_factory, [write(tmp_path, "rules.txt", ARTICLES_TXT)])
    assert [(d.name, d.lang, d.clauses) for d in loaded] == [("rules", "zh", 4)]
    doc = documents(uow_factory)["rules"]
    assert doc.title == "公司经销商管理制度"
    assert [c.key for c in doc.clauses] == ["a1", "a2", "a3", "a10"]
    tenth = doc.clause("a10")
    assert tenth.label == "第十条" and tenth.section == "第二章 价格"
    assert "没收保证金" in tenth.text


def test_markdown_headings_and_numbered_items_become_clauses(uow_factory, tmp_path):
    load_policy_files(uow_factory, [write(tmp_path, "service.md", HEADINGS_MD)])
    doc = documents(uow_factory)["service"]
    assert [c.key for c in doc.clauses] == ["s1", "s2.1", "s2.2"]
    assert doc.clause("s2.1").citation(doc.title) == "《售后手册》二、投诉处理 第1条"


def test_reloading_a_document_replaces_its_previous_version(uow_factory, tmp_path):
    path = write(tmp_path, "rules.txt", ARTICLES_TXT)
    load_policy_files(uow_factory, [path])
    path.write_text("第一条 新版本只有一条。\n", encoding="utf-8")
    [again] = load_policy_files(uow_factory, [path])
    assert again.replaced
    doc = documents(uow_factory)["rules"]
    assert [c.text for c in doc.clauses] == ["新版本只有一条。"]


def test_a_bad_file_rejects_the_whole_load(uow_factory, tmp_path):
    good = write(tmp_path, "rules.txt", ARTICLES_TXT)
    bad = tmp_path / "bad.md"
    bad.write_bytes("第一条 价格".encode("gbk"))
    with pytest.raises(PolicyFileError, match="not UTF-8"):
        load_policy_files(uow_factory, [good, bad])
    assert documents(uow_factory) == {}


def test_the_answer_quotes_and_cites_the_governing_clause_with_two_more(world):
    _, dealer, _ = world
    text = dealer.say("窜货了会被怎么处罚？")
    assert "《经销商管理政策》第二十四条 窜货处罚" in text
    assert "没收保证金" in text
    labels = [label for label, _ in dealer.buttons()]
    assert len(labels) == 4 and "👍 有帮助" in labels
    more = dealer.press(labels[0])
    assert "《经销商管理政策》" in more


def test_ask_command_and_a_typo_find_the_deposit_clause(world):
    _, dealer, _ = world
    assert "第三十五条 加盟费和保证金" in dealer.say("/ask 保正金什么时候能退？")


def test_an_english_question_is_answered_from_the_english_version(world):
    _, dealer, _ = world
    text = dealer.say("What is the penalty for cross-region selling?")
    assert "Article 24 Penalties for cross-region selling" in text
    assert "Helpful" in " ".join(label for label, _ in dealer.buttons())


def test_unsure_answer_shows_the_closest_clause_and_forwards_to_managers(world, uow_factory):
    _, dealer, manager = world
    text = dealer.say("/ask 公司年会在哪里举办？")
    assert "不太确定" in text and "Q1" in text
    [forwarded] = outbox_texts(uow_factory, "boss")
    assert "华西医疗" in forwarded and "公司年会在哪里举办" in forwarded
    assert "/answer 1" in forwarded
    assert "Q1 [待答复]" in manager.say("/questions")


def test_manager_answer_reaches_the_dealer_and_can_become_a_faq(world, uow_factory):
    _, dealer, manager = world
    dealer.say("/ask 公司年会在哪里举办？")
    assert "已发送" in manager.say("/answer 1 今年年会在成都举办，时间另行通知。")
    assert "/faq new 1" in manager.press("保存为常见问题")
    [answer] = outbox_texts(uow_factory, "dealer1")
    assert "成都" in answer and "Q1" in answer
    assert "Q1 [待答复]" not in manager.say("/questions")
    publish_faq(manager, "1 今年年会在哪里举办？ | 今年年会在成都举办，时间另行通知。")
    again = dealer.say("今年的年会在哪里举办？")
    assert again.startswith("💡 常见问题") and "成都" in again


def test_a_faq_ranks_before_the_clause_it_competes_with(world):
    _, dealer, manager = world
    dealer.say("/ask 押金可以分期交吗？")
    manager.say("/answer 1 保证金可以分两期缴纳，第二期在签约后三个月内交齐。")
    publish_faq(
        manager, "1 押金可以分期交吗？ | 保证金可以分两期缴纳，第二期在签约后三个月内交齐。"
    )
    text = dealer.say("/ask 押金可以分期交吗")
    assert text.startswith("💡 常见问题") and "分两期" in text


def test_dealer_rates_answers_and_managers_see_the_unhelpful_ones(world):
    _, dealer, manager = world
    dealer.say("返利怎么算？")
    assert "谢谢" in dealer.press("没帮助")
    listing = manager.say("/questions")
    assert "Q1 [没帮助] D001" in listing and "返利怎么算" in listing


def test_a_manager_cannot_answer_another_regions_dealer(world, uow_factory, clock):
    conv, _, _ = world
    other = linked(uow_factory, clock, conv, "dealer2", dealer="D002")
    other.say("/ask 公司年会在哪里举办？")
    with uow_factory() as uow:
        assert uow.policy.question(1).dealer_code == "D002"
    manager = Chat(conv, "boss")
    assert "找不到问题" in manager.say("/answer 1 在上海")
    assert "Q1" not in manager.say("/questions")


def test_small_talk_is_not_taken_for_a_policy_question(world):
    _, dealer, _ = world
    assert "不太确定" not in dealer.say("你好")


def test_reloading_the_policy_is_seen_by_the_next_question(world, uow_factory, tmp_path):
    _, dealer, _ = world
    assert "投标价格" in dealer.say("/ask 投标价格有下限吗？")
    path = write(
        tmp_path,
        "dealer_policy.zh.md",
        "# 经销商管理政策\n\n### 第十九条 投标价格\n投标须经营销总监同意。\n",
    )
    load_policy_files(uow_factory, [path])
    assert "营销总监同意" in dealer.say("/ask 投标价格有下限吗？")


def test_policy_load_command_loads_and_reloads_files(db, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db.url}"\n', encoding="utf-8")
    path = write(tmp_path, "rules.txt", ARTICLES_TXT)
    runner = CliRunner()
    first = runner.invoke(app, ["--config", str(config), "policy", "load", str(path)])
    assert (
        first.exit_code == 0 and "loaded rules (zh, 公司经销商管理制度): 4 clauses" in first.stdout
    )
    again = runner.invoke(app, ["--config", str(config), "policy", "load", str(path)])
    assert "replaced rules" in again.stdout
    missing = runner.invoke(app, ["--config", str(config), "policy", "load", "nope.md"])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_help_lists_the_policy_commands_for_each_role(world):
    _, dealer, manager = world
    assert "/ask" in dealer.say("/help") and "/answer" not in dealer.say("/help")
    listing = manager.say("/help")
    assert "/answer" in listing and "/questions" in listing and "/faq" in listing


def test_a_faq_of_everyday_words_answers_its_own_question_but_not_any_message_sharing_a_word(
    world,
):
    _, dealer, manager = world
    publish_faq(manager, "今天天气怎么样？ | 我们不提供天气预报。")
    assert dealer.say("今天天气怎么样").startswith("💡 常见问题")
    other = dealer.say("/ask 今天的返利怎么计算？")
    assert "天气预报" not in other and "返利" in other


def test_with_no_manager_linked_the_dealer_is_told_the_question_waits_not_that_it_was_passed(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    load_policy_files(uow_factory, sample_policy_files(), clock)
    conv = Conversation(uow_factory, clock)
    dealer = linked(uow_factory, clock, conv, "dealer1", dealer="D001")
    unsure = dealer.say("/ask 公司年会在哪里举办？")
    assert "不太确定" in unsure and "Q1" in unsure and "还没有经理绑定" in unsure
    assert "已把问题转给" not in unsure
    nothing = dealer.say("/ask 发票抬头怎么写")
    assert "Q2" in nothing and "还没有经理绑定" in nothing and "/questions" in nothing
    dealer.say("/lang en")
    english = dealer.say("/ask where does the company hold its annual party?")
    assert "no manager of your region is linked" in english and "passed" not in english
    manager = linked(uow_factory, clock, conv, "boss", manager="M01")
    assert "Q1 [待答复]" in manager.say("/questions")  # the one who links sees them
    told = dealer.say("/ask 公司年会什么时候开？")
    assert "已把问题转给负责的经理" in told and "还没有经理绑定" not in told


def test_a_question_nothing_in_the_policy_matches_says_so_plainly(world, uow_factory):
    _, dealer, _ = world
    text = dealer.say("/ask 发票抬头怎么写")  # 发票: the business's word, the policy's silence
    assert "没有找到与这个问题相关的条款" in text and "Q1" in text
    assert "最接近的内容" not in text


def test_an_off_topic_question_is_said_so_with_the_menu_and_not_forwarded(world, uow_factory):
    _, dealer, manager = world
    for question in ("明天天气怎么样", "推荐个餐厅", "/ask 量子纠缠"):
        text = dealer.say(question)
        assert "不在我能回答的范围" in text and "/report" in text, question
        assert "第" not in text and "Q1" not in text, question  # no clause, no question number
    english = dealer.say("what's the weather")
    assert "outside what I can answer" in english and "/report" in english
    assert outbox_texts(uow_factory, manager.user_id) == []
    with uow_factory() as uow:
        assert uow.policy.open_questions(None) == []


def test_casual_policy_questions_are_still_answered_not_called_off_topic(world, uow_factory):
    _, dealer, _ = world
    assert "第十八条 最低终端售价" in dealer.say("卖低了会怎样")
    assert "第二十四条 窜货处罚" in dealer.say("跨区卖货罚多少")
    assert "不在我能回答的范围" not in dealer.say("A100的保修怎么算")
    # A product of the catalog makes the question the business's, whatever its other words.
    assert "不在我能回答的范围" not in dealer.say("A100在哪里生产？")


def test_a_question_naming_its_article_gets_that_article(world, uow_factory):
    _, dealer, manager = world
    assert "第十八条 最低终端售价" in dealer.say("第十八条是什么？")
    assert "第十八条 最低终端售价" in dealer.say("第18条")
    assert "Article 18 Minimum terminal price" in dealer.say("what does article 18 say?")
    assert "第三十一条 促销活动" in dealer.say("/ask 第三十一条")
    assert outbox_texts(uow_factory, manager.user_id) == []  # answered, nothing forwarded


def test_a_bare_date_or_number_is_not_answered_with_the_article_of_that_number(world):
    _, dealer, _ = world
    for text in ("2026-12-31", "31", "12月31日"):
        answer = dealer.say(text)
        assert "第三十一条" not in answer and "第十二条" not in answer, (text, answer)


def test_an_article_the_policy_does_not_have_is_said_so(world, uow_factory):
    _, dealer, manager = world
    assert "没有第99条" in dealer.say("第九十九条是什么？")
    assert "no article 99" in dealer.say("what does article 99 say?")
    assert outbox_texts(uow_factory, manager.user_id) == []


def test_an_faq_never_shows_a_dealers_question_to_another_dealer(world, uow_factory, clock):
    conv, dealer, manager = world
    other = linked(uow_factory, clock, conv, "dealer2", dealer="D002")  # Shanghai
    dealer.say("/ask 我们华西医疗张经理想问公司年会在哪里举办？")
    manager.say("/answer 1 今年年会在成都举办。")
    saved = manager.press("保存为常见问题")
    assert "张经理" not in saved
    reply = other.say("/ask 年会在哪里举办？")
    assert "华西医疗" not in reply and "张经理" not in reply and "成都" not in reply, reply


def test_an_faq_answers_nobody_until_published_then_only_its_scope(world, uow_factory, clock):
    conv, dealer, manager = world
    other = linked(uow_factory, clock, conv, "dealer2", dealer="D002")  # Shanghai
    admin = linked(uow_factory, clock, conv, "admin", manager="M02")
    dealer.say("/ask 公司年会在哪里举办？")
    manager.say("/answer 1 今年年会在成都举办。")
    drafted = manager.say("/faq new 1 年会在哪里举办？ | 今年年会在成都举办。")
    assert "F1" in drafted and "区域 SC 的经销商" in drafted
    assert not dealer.say("/ask 年会在哪里举办").startswith("💡")  # a draft answers nobody
    assert "已发布" in manager.press("发布")
    assert dealer.say("/ask 年会在哪里举办").startswith("💡 常见问题")
    assert "成都" not in other.say("/ask 年会在哪里举办")  # Shanghai is outside its scope
    assert "只有管理员" in manager.say("/faq F1 scope all")
    assert "不在您的负责范围" in manager.say("/faq F1 scope regions SH")
    assert "找不到经销商" in manager.say("/faq F1 scope dealers D002")
    assert "找不到常见问题" in admin.say("/faq F9")
    assert "全部经销商" in admin.say("/faq F1 scope all")
    assert other.say("/ask 年会在哪里举办").startswith("💡 常见问题")
    assert "已撤下" in admin.say("/faq F1 withdraw")
    assert not dealer.say("/ask 年会在哪里举办").startswith("💡")


def test_a_burst_of_unanswerable_questions_reaches_each_manager_as_one_digest(
    world, uow_factory, clock
):
    conv, dealer, _ = world
    linked(uow_factory, clock, conv, "admin", manager="M02")
    start = clock.now()
    for i in range(300):  # 300 questions in 9 s
        assert "Q" in dealer.say(f"/ask 公司第{i}届年会在哪里举办？")
        clock.advance(seconds=0.03)
    with uow_factory() as uow:
        queued = [i for i in uow.outbox.list(limit=1000) if i.chat_id in ("boss", "admin")]
    assert sorted(i.chat_id for i in queued) == ["admin", "boss"], [i.dedupe_key for i in queued]
    digest = next(i for i in queued if i.chat_id == "boss")
    assert digest.not_before == start + timedelta(minutes=15)  # sent when the interval ends
    text = digest.payload["text"]
    assert "华西医疗" in text and "300" in text and "/questions" in text
    assert "公司第299届年会" in text and "公司第0届年会" not in text  # the latest, not all 300
    clock.advance(minutes=15)
    dealer.say("/ask 公司年会的酒店在哪里？")  # the next interval: a new digest
    with uow_factory() as uow:
        boss = [i for i in uow.outbox.list(limit=1000) if i.chat_id == "boss"]
    assert len(boss) == 2


def test_with_no_digest_interval_every_question_is_forwarded_at_once(uow_factory, clock):
    seed_catalog(uow_factory)
    load_policy_files(uow_factory, sample_policy_files(), clock)
    conv = Conversation(uow_factory, clock, CoreOptions(question_digest_minutes=0))
    dealer = linked(uow_factory, clock, conv, "dealer1", dealer="D001")
    linked(uow_factory, clock, conv, "boss", manager="M01")
    dealer.say("/ask 公司年会在哪里举办？")
    dealer.say("/ask 公司年会的酒店在哪里？")
    assert len(outbox_texts(uow_factory, "boss")) == 2


def test_a_published_faq_answers_its_paraphrase_in_chat(world, uow_factory):
    _, dealer, manager = world
    publish_faq(manager, "发票多久能开？ | 发货后 7 个工作日内开具。")
    assert "7 个工作日" in dealer.say("什么时候开发票")
    assert "7 个工作日" in dealer.say("开票一般要几天？")
    assert "7 个工作日" not in dealer.say("门店多久能开张？")
