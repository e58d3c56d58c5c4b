"""Real policy text into documents and clauses: titles, run-on numbering, boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.policy.documents import parse_policy_file, split_documents
from domain.policy.layout import clean_lines, split_units

SOURCE = Path(__file__).resolve().parents[2] / "data" / "policy_source.txt"


@pytest.fixture(scope="module")
def source_docs():
    docs = parse_policy_file("source", SOURCE.read_text(encoding="utf-8"))
    return {d.name.removeprefix("source/"): d for d in docs}


def test_the_source_text_splits_into_its_documents_by_their_titles():
    parts = split_documents(SOURCE.read_text(encoding="utf-8"))
    titles = [p.title for p in parts]
    assert titles == [
        "经销商管理制度范文",
        "经销商管理制度范文",
        "经销商管理经验总结",
        "怎样管理好经销商",
        "经销商管理工作计划",
        "经销商管理的工作计划",
        "公司经销商管理制度",
        "经销商管理制度",
        "经销商的管理制度范文",
        "经销商公司管理制度及规范",
        "经销商管理",
    ]


def test_download_site_notices_are_dropped(source_docs):
    text = "\n".join(c.text for d in source_docs.values() for c in d.clauses)
    for notice in ("下载文档前请", "仅部分预览", "人工客服", "相关文档", "最新文档", "合集下载"):
        assert notice not in text


def test_a_title_run_into_its_first_line_is_not_part_of_the_text(source_docs):
    first = source_docs["经销商管理经验总结"].clauses[0]
    assert first.text.startswith("在过去的一年里")
    second = source_docs["怎样管理好经销商"].clauses[0]
    assert second.text.startswith("随着市场的竞争日益激烈")


def test_chapters_and_articles_run_together_are_split_with_their_heading_path(source_docs):
    doc = source_docs["公司经销商管理制度"]
    assert [c.key for c in doc.clauses] == [f"a{n}" for n in range(1, 10)]
    eighth = doc.clause("a8")
    assert eighth.section == "第四章市场管理与保护"
    assert eighth.text.startswith("经销商应积极配合公司进行市场保护")
    assert "2. 不得与公司产品在同一区域销售其他竞争对手产品" in eighth.text
    assert eighth.citation(doc.title) == "《公司经销商管理制度》第八条"


def test_numbered_items_under_a_run_on_section_heading_are_cited_by_their_number(source_docs):
    doc, second = source_docs["经销商管理制度范文"], source_docs["经销商管理制度范文 (2)"]
    item = second.clause("s7.2")
    assert item.section == "七、价格体系管理"
    assert item.text.startswith("经销商终端销售价格不能低于公司规定的最低终端销售价格")
    assert item.citation(second.title) == "《经销商管理制度范文》七、价格体系管理 第2条"
    assert doc.clause("s4.2").title == "合同期限和终止方式"


def test_numbering_restarts_in_each_document(source_docs):
    assert source_docs["经销商的管理制度范文"].clause("a18").text.startswith("公司将根据经销商")
    assert source_docs["经销商公司管理制度及规范"].clause("s6.2").text.startswith("严格执行公司")


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        ("第一章总则第一条为规范管理。", ["第一章总则", "第一条为规范管理。"]),
        (
            "七、价格体系管理1、供货价格按政策;2、不得低价。",
            ["七、价格体系管理", "1、供货价格按政策;", "2、不得低价。"],
        ),
        ("1. 建立档案(1)收集信息;(2)记录等级。", ["1. 建立档案", "(1)收集信息;", "(2)记录等级。"]),
        ("二、经销商定义:1、其他客户。", ["二、经销商定义:", "1、其他客户。"]),
        (
            "销售任务原则上增加30%,新增客户首年不考核。",
            ["销售任务原则上增加30%,新增客户首年不考核。"],
        ),
    ],
)
def test_a_line_is_cut_where_numbering_starts_a_unit(line, pieces):
    assert split_units(line) == pieces


def test_lines_wrapped_at_the_page_width_are_joined_but_titles_are_not():
    text = (
        "经销商管理\n经销商管理是指企业为了达成销售目标,通过建立与经销商的合作关系,\n"
        "掌握销售情况。\n"
    )
    assert clean_lines(text) == [
        "经销商管理",
        "经销商管理是指企业为了达成销售目标,通过建立与经销商的合作关系,掌握销售情况。",
    ]


def test_page_furniture_lines_are_dropped():
    assert clean_lines("第一条 价格。\n第 2 页 共 9 页\n- 3 -\n第二条 投标。") == [
        "第一条 价格。",
        "第二条 投标。",
    ]


def test_a_markdown_file_stays_one_document():
    [doc] = parse_policy_file(
        "m.zh", "# 手册\n## 三、价格\n1. 供货价按政策执行。\n# 附录\n2. 其他。\n"
    )
    assert doc.name == "m.zh" and doc.title == "手册"


def test_a_file_with_one_title_is_one_document_named_after_the_file():
    [doc] = parse_policy_file("rules", "经销商制度\n\n第一条 目的。\n第二条 范围。\n")
    assert (doc.name, doc.title, [c.key for c in doc.clauses]) == (
        "rules",
        "经销商制度",
        ["a1", "a2"],
    )
