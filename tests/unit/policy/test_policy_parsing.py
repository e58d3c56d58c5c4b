"""Policy documents into clauses: articles, headings, numbered items, numbering in Chinese."""

from __future__ import annotations

import pytest

from domain.policy.model import PolicyFormatError
from domain.policy.text import cn_to_int, detect_lang, parse_policy, split_name


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十七", 37),
        ("一百零五", 105),
        ("23", 23),
    ],
)
def test_chinese_numerals_read_as_numbers(numeral, value):
    assert cn_to_int(numeral) == value


def test_file_names_carry_the_family_and_language():
    assert split_name("dealer_policy.zh") == ("dealer_policy", "zh")
    assert split_name("dealer_policy.en") == ("dealer_policy", "en")
    assert split_name("rules") == ("rules", None)


def test_articles_in_plain_text_are_clauses_under_their_chapter():
    doc = parse_policy(
        "rules", "经销商制度\n第一章 总则\n第一条 目的。\n第二章 价格\n第十条 底价。\n"
    )
    assert doc.title == "经销商制度" and doc.lang == "zh"
    assert [(c.key, c.label, c.section, c.text) for c in doc.clauses] == [
        ("a1", "第一条", "第一章 总则", "目的。"),
        ("a10", "第十条", "第二章 价格", "底价。"),
    ]


def test_an_article_keeps_its_numbered_items_in_its_text():
    doc = parse_policy("r", "第五条 流程如下：\n1. 申请；\n2. 审核。\n第六条 档案。")
    assert [c.key for c in doc.clauses] == ["a5", "a6"]
    assert doc.clause("a5").text == "流程如下：\n1. 申请；\n2. 审核。"


def test_markdown_article_headings_have_titles_and_match_their_translation():
    zh = parse_policy(
        "p.zh", "# 政策\n## 第七章 价格体系\n### 第十八条 最低终端售价\n不得低于底价。\n"
    )
    en = parse_policy(
        "p.en", "# Policy\n## Chapter 7 Prices\n### Article 18 Minimum terminal price\nNo lower.\n"
    )
    assert zh.family == en.family == "p"
    [c_zh], [c_en] = zh.clauses, en.clauses
    assert c_zh.key == c_en.key == "a18"
    assert c_zh.citation(zh.title) == "《政策》第十八条 最低终端售价"
    assert (c_en.label, c_en.title) == ("Article 18", "Minimum terminal price")


def test_numbered_items_under_a_heading_are_clauses_and_sub_items_stay_inside():
    text = "# 手册\n## 三、价格\n1. 供货价按政策执行。\n(1) 特殊情况须批准。\n2. 不得低于最低价。\n"
    doc = parse_policy("m", text)
    assert [c.key for c in doc.clauses] == ["s3.1", "s3.2"]
    assert "特殊情况须批准" in doc.clause("s3.1").text
    assert doc.clause("s3.2").citation(doc.title) == "《手册》三、价格 第2条"


def test_bracketed_article_titles_are_split_from_the_text():
    doc = parse_policy("r", "第三条【保证金】经销商应缴纳保证金。")
    assert (doc.clauses[0].title, doc.clauses[0].text) == ("保证金", "经销商应缴纳保证金。")


def test_a_text_without_any_clause_is_refused():
    with pytest.raises(PolicyFormatError):
        parse_policy("empty", "   \n\n")


def test_language_is_detected_when_the_name_does_not_say():
    assert detect_lang("第一条 经销商应守法经营。") == "zh"
    assert detect_lang("Article 1 Dealers obey the law.") == "en"
