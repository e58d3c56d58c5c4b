"""Meaning in the policy search: sentence vectors reorder what shares a word with the
question, are embedded once (kept in a store and in the process), and the real encoders
carry a chat-worded or English question to the Chinese clause."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

import domain.policy.meaning as meaning
from domain.policy.answers import KnowledgeBase
from domain.policy.meaning import E5Encoder, UseEncoder, entry_texts
from domain.policy.model import Clause, PolicyDocument
from domain.policy.search import question_lang
from domain.policy.segmenter import Segmenter
from domain.policy.text import parse_policy

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture(autouse=True)
def forgotten(monkeypatch):
    """Each test starts with nothing remembered in the process."""
    monkeypatch.setattr(meaning, "_remembered", {})


class Concepts:
    """A fake encoder: a text's vector counts the concepts its words name."""

    name = "concepts"
    words: ClassVar[dict[str, int]] = {"钱": 0, "保证金": 0, "退": 1, "返还": 1, "课程": 2}

    def __init__(self) -> None:
        self.embedded: list[str] = []
        self.asked: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        v = np.full(4, 0.01, dtype=np.float32)
        for word, axis in self.words.items():
            v[axis] += text.count(word)
        return v / np.linalg.norm(v)

    def passages(self, texts):
        self.embedded += list(texts)
        return np.vstack([self._vector(t) for t in texts])

    def query(self, text):
        self.asked.append(text)
        return self._vector(text)


class Store(dict):
    def vectors(self, model, digests):
        return {d: self[(model, d)] for d in digests if (model, d) in self}

    def save_vectors(self, model, vectors):
        for d, v in vectors.items():
            self.setdefault((model, d), v)


def policy() -> list[PolicyDocument]:
    clauses = (
        Clause("a1", "第一条", "申请", "", "经销商申请时须提交营业执照，公司审核后签约。", 1),
        Clause("a2", "第二条", "保证金", "", "合同终止后，保证金无息返还经销商。", 2),
        Clause("a3", "第三条", "培训", "", "公司每年为经销商安排两次课程。", 3),
    )
    return [PolicyDocument("p", "p", "zh", "制度", clauses)]


def top(kb: KnowledgeBase, question: str) -> str:
    found, _ = kb.find(question, "zh")
    return found[0].clause.key


def test_meaning_reorders_the_clauses_that_share_a_word_with_the_question(segmenter):
    question = "经销商每年交的钱什么时候退？"  # 每年 is 第三条's word (the yearly courses)
    lexical = KnowledgeBase(policy(), [], segmenter)
    assert top(lexical, question) == "a3"
    kb = KnowledgeBase(policy(), [], segmenter, encoders=[Concepts()])
    assert top(kb, question) == "a2"
    found, result = kb.find("天气怎么样", "zh")
    assert found == [] and result.off_topic  # no word in common: meaning adds nothing


def test_an_encoder_failing_on_a_question_leaves_the_answer_to_the_words(segmenter, caplog):
    encoder = Concepts()
    kb = KnowledgeBase(policy(), [], segmenter, encoders=[encoder])

    def broken(text):
        raise RuntimeError("model gone")

    encoder.query = broken
    found, _ = kb.find("经销商每年交的钱什么时候退？", "zh")
    assert found[0].clause.key == "a3"  # as words alone rank it
    assert kb.passage(found[0], "经销商每年交的钱什么时候退？")
    assert "ranked by words only" in caplog.text


def test_vectors_are_embedded_once_and_a_restart_reads_them_from_the_store(segmenter, monkeypatch):
    store, first = Store(), Concepts()
    KnowledgeBase(policy(), [], segmenter, encoders=[first], vectors=store)
    texts = [t for c in policy()[0].clauses for t in entry_texts(c.title, c.text)]
    assert sorted(first.embedded) == sorted(texts) and len(store) == len(set(texts))

    monkeypatch.setattr(meaning, "_remembered", {})  # a new process
    again = Concepts()
    kb = KnowledgeBase(policy(), [], segmenter, encoders=[again], vectors=store)
    assert again.embedded == []
    assert top(kb, "经销商的钱什么时候退？") == "a2"

    same = Concepts()  # the same process, a fresh database (a test's): remembered
    KnowledgeBase(policy(), [], segmenter, encoders=[same], vectors=Store())
    assert same.embedded == []


def test_a_question_is_embedded_once_for_its_search_and_its_sentence(segmenter):
    encoder = Concepts()
    long_text = "经销商须按时上报销售数据。" * 5 + "合同终止后，保证金无息返还经销商。"
    doc = PolicyDocument(
        "p", "p", "zh", "制度", (Clause("a1", "第一条", "总则", "", long_text, 1),)
    )
    kb = KnowledgeBase([doc], [], segmenter, encoders=[encoder])
    found, _ = kb.find("经销商的保证金什么时候退？", "zh")
    assert kb.passage(found[0], "经销商的保证金什么时候退？").startswith("… 合同终止后")
    assert encoder.asked == ["经销商的保证金什么时候退？"]


def test_an_entry_is_its_heading_with_its_text_and_with_each_sentence():
    assert entry_texts("第二条 保证金", "一。二。") == [
        "第二条 保证金 一。二。",
        "第二条 保证金：一。",
        "第二条 保证金：二。",
    ]
    assert entry_texts("", "只有一句") == ["只有一句"]


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def source_kb(segmenter) -> KnowledgeBase:
    from bot.policy_files import read_policy_file

    documents = read_policy_file(ROOT / "tests/data/policy_source.txt")
    return KnowledgeBase(list(documents), [], segmenter, encoders=[UseEncoder()])


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("货能拿到别的地方去卖吗?", "不得超出授权范围销售"),
        ("Is there a lowest retail price I'm not allowed to go below?", "最低终端销售价格"),
        ("Who is responsible for screening dealers?", "销售部负责经销商的筛选"),
    ],
)
def test_the_real_encoder_finds_the_clause_a_question_words_otherwise(source_kb, question, fact):
    found, _ = source_kb.find(question, question_lang(question) or "zh")
    assert _plain(fact) in _plain(found[0].clause.text)


def test_the_sample_policy_keeps_its_accuracy_with_the_default_encoder(segmenter):
    import json

    documents = [
        parse_policy(p.name.removesuffix(".md"), p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "policies").glob("*.md"))
    ]
    kb = KnowledgeBase(documents, [], segmenter, encoders=meaning.default_encoders())
    data = json.loads((ROOT / "tests/data/policy_questions.json").read_text(encoding="utf-8"))
    questions = data["questions"]
    first = sum(
        bool(found) and found[0].clause.key in q["expect"]
        for q in questions
        for found in [kb.find(q["q"], question_lang(q["q"]) or "zh")[0]]
    )
    assert first / len(questions) >= 0.75


def test_e5_places_a_question_nearest_its_answer():
    e5 = E5Encoder()
    passages = e5.passages(["合同终止后，保证金无息返还经销商。", "公司每年为经销商安排两次培训。"])
    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-3)
    q = e5.query("押金什么时候退")
    assert (passages @ q).argmax() == 0
