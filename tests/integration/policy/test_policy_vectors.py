"""The policy's sentence vectors in the database: stored once per model and text, kept
with what the question commits, and read back by the next process instead of embedded."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select

import domain.policy.meaning as meaning
from bot.policy_files import load_policy_files, sample_policy_files
from handlers.policy.knowledge import PolicyKnowledge
from storage.models import PolicyVectorRow


class Counting:
    """An encoder of fixed vectors that counts what it embeds."""

    name = "counting"

    def __init__(self) -> None:
        self.embedded = 0
        self.asked = 0

    @staticmethod
    def _vector(text):
        v = np.array([len(text) % 7 + 1, text.count("经销商") + 1, 1], dtype=np.float32)
        return v / np.linalg.norm(v)

    def passages(self, texts):
        self.embedded += len(texts)
        return np.vstack([self._vector(t) for t in texts])

    def query(self, text):
        self.asked += 1
        return self._vector(text)


def test_a_vector_is_stored_once_per_model_and_text(uow_factory):
    with uow_factory() as uow:
        uow.policy.save_vectors("m", {"d1": b"\x00\x01", "d2": b"\x02"})
        uow.commit()
    with uow_factory() as uow:
        uow.policy.save_vectors("m", {"d1": b"changed", "d3": b"\x03"})  # d1 kept as it was
        uow.policy.save_vectors("other", {"d1": b"\x09"})
        uow.commit()
    with uow_factory() as uow:
        assert uow.policy.vectors("m", ["d1", "d3", "d9"]) == {"d1": b"\x00\x01", "d3": b"\x03"}
        assert uow.policy.vectors("other", ["d1", "d2"]) == {"d1": b"\x09"}
        assert uow.policy.vectors("m", []) == {}


def test_the_next_process_reads_the_vectors_instead_of_embedding_them(
    uow_factory, clock, monkeypatch
):
    load_policy_files(uow_factory, sample_policy_files(), clock)
    monkeypatch.setattr(meaning, "_remembered", {})
    first = Counting()
    with uow_factory() as uow:
        kb = PolicyKnowledge(encoders=[first]).current(uow)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.session.scalar(select(func.count()).select_from(PolicyVectorRow))
    assert first.embedded > 0 and stored == first.embedded  # each text once
    question = kb.find("保证金什么时候退还", "zh")[0]

    monkeypatch.setattr(meaning, "_remembered", {})  # a new process
    again = Counting()
    with uow_factory() as uow:
        kb2 = PolicyKnowledge(encoders=[again]).current(uow)
    assert again.embedded == 0
    assert [f.group for f in kb2.find("保证金什么时候退还", "zh")[0]] == [f.group for f in question]


def test_the_warm_up_at_start_stores_what_it_embedded(uow_factory, clock, monkeypatch):
    load_policy_files(uow_factory, sample_policy_files(), clock)
    monkeypatch.setattr(meaning, "_remembered", {})
    encoder = Counting()
    PolicyKnowledge(encoders=[encoder]).warm_up(uow_factory)
    with uow_factory() as uow:
        stored = uow.session.scalar(select(func.count()).select_from(PolicyVectorRow))
    assert stored == encoder.embedded > 0
    assert encoder.asked == 1  # the model is loaded before the first question, not by it


def test_an_encoder_that_cannot_run_leaves_the_search_to_the_words(
    uow_factory, clock, monkeypatch, caplog
):
    load_policy_files(uow_factory, sample_policy_files(), clock)
    monkeypatch.setattr(meaning, "_remembered", {})
    broken = Counting()

    def fail(texts):
        raise OSError("weights unreadable")

    broken.passages = fail
    with uow_factory() as uow:
        kb = PolicyKnowledge(encoders=[broken]).current(uow)
    assert kb.index.meaning is None
    found, result = kb.find("保证金什么时候退还", "zh")
    assert found and result.confident
    assert "searched by words only" in caplog.text
