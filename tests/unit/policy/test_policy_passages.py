"""The answering sentence of a clause, and the terms an English reader is given."""

from __future__ import annotations

from domain.policy.model import Clause
from domain.policy.passages import best_passage, glossary, sentences

ARTICLE = (
    "经销商的义务:\n1. 严格按照公司规定的产品价格进行销售,不得擅自提价或降价;\n"
    "2. 严格遵守公司制定的营销策略,不得擅自改变;\n3. 按时完成公司下达的销售任务;\n"
    "4. 不得从事任何违法经营活动。"
)


def tokens(text: str) -> list[str]:
    return [w for w in ("提价", "营销策略", "销售任务", "违法") if w in text]


def test_a_long_clause_is_quoted_by_the_sentence_holding_the_question_words_after_its_lead_in():
    quoted = best_passage(ARTICLE, {"销售任务": 3.0}, tokens)
    assert quoted == "经销商的义务: … 3. 按时完成公司下达的销售任务; …"


def test_the_first_item_follows_the_lead_in_without_a_gap():
    assert best_passage(ARTICLE, {"提价": 2.0}, tokens).startswith("经销商的义务: 1. 严格按照")


def test_a_short_clause_or_no_matching_word_quotes_the_whole_clause():
    assert best_passage("经销商应缴纳保证金。", {"保证金": 1.0}, tokens) == "经销商应缴纳保证金。"
    assert best_passage(ARTICLE, {"天气": 1.0}, tokens) == ARTICLE


def test_sentences_end_at_chinese_and_latin_stops_and_at_line_ends():
    assert sentences("第一句。第二句；第三\n第四!") == ["第一句。", "第二句；", "第三", "第四!"]


def test_the_glossary_names_the_english_word_of_each_known_term():
    terms = glossary("投标价格不能低于最低中标价,否则没收保证金。")
    assert "保证金 = deposit" in terms and "最低中标价 = minimum bid price" in terms


def test_items_are_cited_by_their_number_under_their_section():
    item = Clause("s7.2", "2、", "", "七、价格体系管理", "不得低于最低价。")
    assert item.citation("经销商管理制度范文") == "《经销商管理制度范文》七、价格体系管理 第2条"
    assert item.citation("Handbook", "en") == "Handbook · 七、价格体系管理 · item 2"
    heading = Clause("s3", "三、", "经销商筛选、认定", "三、经销商筛选、认定", "销售部负责。")
    assert heading.citation("范文") == "《范文》三、经销商筛选、认定"
