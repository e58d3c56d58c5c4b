"""Policy Q&A: accuracy on the question sets, latency per question, start-up time.

Prints, for tests/data/policy_questions.json (and the held-out set next to it):
  - top-1 and top-3 accuracy (targets: top-1 >= 75 %, top-3 >= 90 %);
  - start-up: jieba dictionary load plus parsing and indexing the sample policy (target < 2 s);
  - retrieval latency per question after start-up, p50 / p95 over --rounds passes
    (KnowledgeBase.find: segmentation, synonyms, BM25, confidence; target p95 < 20 ms);
  - end-to-end latency of `/ask` through Conversation.handle on a scratch SQLite file
    (revision check, search, question row, audit, commit).

and, for the company's source text (tests/data/policy_source.txt, several documents run
together, loaded as it is) with its held-out set (tests/data/policy_source_holdout.json):
  - fact in answer: the held-out answering fact appears in the reply the bot sends (the
    quoted clause with its citation), target >= 90 %;
  - first clause right: the top-ranked clause holds the fact, target >= 85 %;
  - start-up with the sample policy and the source text loaded, and retrieval p95 over both.

Run: `.venv/bin/python bench/policy_qa.py [--rounds 20]`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# jieba's import is part of start-up: measure from before it.
_T0, _CPU0 = time.perf_counter(), time.process_time()
from domain.policy.answers import KnowledgeBase  # noqa: E402
from domain.policy.meaning import default_encoders  # noqa: E402
from domain.policy.search import question_lang  # noqa: E402
from domain.policy.segmenter import Segmenter  # noqa: E402
from domain.policy.text import parse_policy  # noqa: E402

SOURCE = ROOT / "tests/data/policy_source.txt"
SOURCE_SET = ROOT / "tests/data/policy_source_holdout.json"
# Held-out sets on the source text, each written before the change it measures and scored
# once: the first before the document reader changed, the second before the bilingual terms
# of the source's headings were added (the first set's English questions were known then);
# the third, from the source text alone, before English words were looked up in CC-CEDICT;
# the fourth, the same way, after that lookup (never tuned on); the fifth, the same way,
# before a Chinese thesaurus was tried (it changed nothing and was not kept); the sixth, the
# same way, before sentence encoders were added to the search.
SOURCE_SETS = [
    SOURCE_SET,
    ROOT / "tests/data/policy_source_holdout_2.json",
    ROOT / "tests/data/policy_source_holdout_3.json",
    ROOT / "tests/data/policy_source_holdout_4.json",
    ROOT / "tests/data/policy_source_holdout_5.json",
    ROOT / "tests/data/policy_source_holdout_6.json",
]
SETS = [
    ROOT / "tests/data/policy_questions.json",
    ROOT / "tests/data/policy_questions_holdout.json",
]


# Questions the policy does not answer: none should be answered with confidence.
OFF_TOPIC = [
    "明天天气怎么样", "who won the football match", "what's your name",
    "what is the company's phone number", "帮我订一张去北京的机票", "公司年会在哪里举办？",
    "今天股市怎么样", "how do I cook rice", "能帮我写个周报吗", "where is your office",
    "公司地址在哪里", "今年的年终奖什么时候发",
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def accuracy(kb: KnowledgeBase, questions: list[dict]) -> tuple[float, float, float]:
    """Top-1, top-3, and the share answered with confidence (not sent to a manager)."""
    top1 = top3 = confident = 0
    for item in questions:
        found, result = kb.find(item["q"], question_lang(item["q"]) or "zh")
        ranked = [f.clause.key for f in found if f.clause]
        top1 += bool(ranked) and ranked[0] in item["expect"]
        top3 += any(k in item["expect"] for k in ranked[:3])
        confident += result.confident
    n = len(questions)
    return top1 / n, top3 / n, confident / n


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def fact_figures(kb: KnowledgeBase, questions: list[dict]) -> dict[str, tuple[float, float]]:
    """Per language and overall: (fact in the reply, fact in the top clause)."""
    from handlers.core.i18n import Translator
    from handlers.policy.replies import answer_text, locale_of

    tally: dict[str, list[int]] = {}
    for item in questions:
        lang = question_lang(item["q"]) or "zh"
        found, _ = kb.find(item["q"], lang)
        fact = _plain(item["fact"])
        top = found[0] if found else None
        reply = answer_text(top, Translator(locale_of(lang)), item["q"], kb) if top else ""
        first = bool(top and top.clause and fact in _plain(top.clause.text))
        for key in (lang, "all"):
            row = tally.setdefault(key, [0, 0, 0])
            row[0] += fact in _plain(reply)
            row[1] += first
            row[2] += 1
    return {k: (a / n, b / n) for k, (a, b, n) in tally.items()}


def source_documents() -> list:
    """The source text as `policy load` reads it."""
    from bot.policy_files import read_policy_file

    read = read_policy_file(SOURCE)
    return list(read) if isinstance(read, list | tuple) else [read]


def end_to_end(questions: list[str], rounds: int) -> list[float]:
    from bot.policy_files import load_policy_files, sample_policy_files
    from domain.shared.clock import FixedClock
    from handlers.core.conversation import Conversation
    from handlers.core.messages import Inbound
    from storage.db import make_engine, make_session_factory, upgrade
    from storage.models import ChatIdentityRow, DealerRow
    from storage.uow import SqlAlchemyUnitOfWorkFactory

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade(url, engine=engine)
        uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
        clock = FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
        with uow_factory() as uow:
            dealer = DealerRow(code="D001", name="华西医疗", tier="A")
            uow.session.add(dealer)
            uow.session.flush()
            uow.session.add(
                ChatIdentityRow(platform="console", user_id="u1", chat_id="u1", dealer_id=dealer.id)
            )
            uow.commit()
        load_policy_files(uow_factory, sample_policy_files(), clock)
        conv = Conversation(uow_factory, clock)
        conv.handle(Inbound("console", "u1", "u1", text="/ask 返利怎么算"))  # builds the index
        timings = []
        for _ in range(rounds):
            for q in questions:
                started = time.perf_counter()
                conv.handle(Inbound("console", "u1", "u1", text=f"/ask {q}"))
                timings.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    return timings


class Vectors(dict):
    """The database's vector table, in a dict (saved to a file for the start-up run)."""

    def vectors(self, model, digests):
        return {d: self[(model, d)] for d in digests if (model, d) in self}

    def save_vectors(self, model, vectors):
        for d, v in vectors.items():
            self.setdefault((model, d), v)


def startup(vectors_file: Path) -> None:
    """A fresh process's start with every document loaded and their vectors stored:
    imports, segmenter, reading the documents, the index, and both encoders ready."""
    import pickle

    store = Vectors(pickle.loads(vectors_file.read_bytes()))
    segmenter = Segmenter()
    kb = KnowledgeBase(sample_documents() + source_documents(), [], segmenter,
                       encoders=default_encoders(), vectors=store)  # fmt: skip
    t_index = time.perf_counter()
    kb.find("保证金什么时候退还", "zh")  # loads the encoders' models
    done = time.perf_counter()
    print(f"{done - _T0:.2f} {t_index - _T0:.2f} {len(kb.index)}")


def sample_documents() -> list:
    return [
        parse_policy(p.name.removesuffix(".md"), p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "policies").glob("*.md"))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--lexical", action="store_true", help="without the sentence encoders")
    parser.add_argument("--startup", type=Path, help=argparse.SUPPRESS)  # the child run
    args = parser.parse_args()
    if args.startup:
        return startup(args.startup)
    encoders = () if args.lexical else default_encoders()
    store = Vectors()

    segmenter = Segmenter()
    t_seg = time.perf_counter()
    documents = sample_documents()
    kb = KnowledgeBase(documents, [], segmenter, encoders=encoders, vectors=store)
    t_ready, cpu = time.perf_counter(), time.process_time() - _CPU0
    entries = len(kb.index)
    embedded = "" if args.lexical else ", embedding them"
    print(f"start-up: {t_ready - _T0:.2f} s wall, {cpu:.2f} s CPU (imports + segmenter "
          f"{t_seg - _T0:.2f} s, parse + index of {entries} entries "
          f"{1000 * (t_ready - t_seg):.0f} ms{embedded})")  # fmt: skip

    all_questions: list[str] = [
        item["q"]
        for path in SOURCE_SETS
        for item in json.loads(path.read_text(encoding="utf-8"))["questions"]
    ]
    for path in SETS:
        data = json.loads(path.read_text(encoding="utf-8"))
        top1, top3, confident = accuracy(kb, data["questions"])
        all_questions += [item["q"] for item in data["questions"]]
        print(f"{path.name}: {len(data['questions'])} questions, "
              f"top-1 {top1:.1%}, top-3 {top3:.1%}, confident {confident:.1%}")  # fmt: skip

    wrong = [q for q in OFF_TOPIC if kb.find(q, question_lang(q) or "zh")[1].confident]
    print(f"off-topic questions answered with confidence: {len(wrong)} of {len(OFF_TOPIC)}")
    said = [q for q in OFF_TOPIC if kb.find(q, question_lang(q) or "zh")[1].off_topic]
    print(
        f"off-topic questions said to be off-topic (not forwarded): {len(said)} of {len(OFF_TOPIC)}"
    )

    t_source = time.perf_counter()
    source_docs = source_documents()
    source_kb = KnowledgeBase(source_docs, [], segmenter, encoders=encoders, vectors=store)
    clauses = sum(len(d.clauses) for d in source_docs)
    print(f"source text: {len(source_docs)} documents, {clauses} clauses, read + indexed in "
          f"{1000 * (time.perf_counter() - t_source):.0f} ms")  # fmt: skip
    for path in SOURCE_SETS:
        held_out = json.loads(path.read_text(encoding="utf-8"))["questions"]
        for lang, (fact, first) in sorted(fact_figures(source_kb, held_out).items()):
            n = sum(1 for q in held_out if (question_lang(q["q"]) or "zh") == lang)
            print(f"{path.name} [{lang}, {n or len(held_out)} questions]: fact in answer "
                  f"{fact:.1%}, first clause right {first:.1%}")  # fmt: skip
    t_all = time.perf_counter()
    all_kb = KnowledgeBase(documents + source_docs, [], segmenter, encoders=encoders, vectors=store)
    if args.lexical:
        every = t_seg - _T0 + (time.perf_counter() - t_all) + (t_all - t_source)
        print(f"start-up with every document: {every:.2f} s wall (imports + segmenter, reading "
              f"the source text, index of {len(all_kb.index)} entries)")  # fmt: skip
    else:
        import pickle
        import subprocess

        with tempfile.TemporaryDirectory() as tmp:
            saved = Path(tmp) / "vectors.pickle"
            saved.write_bytes(pickle.dumps(dict(store)))
            child = subprocess.run(
                [sys.executable, __file__, "--startup", str(saved)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
        ready, indexed, n = child.stdout.split()
        print(f"start-up with every document, a fresh process, vectors stored: {ready} s wall "
              f"to the first answer (imports + segmenter, reading the documents, index of {n} "
              f"entries: {indexed} s; then both encoders loaded)")  # fmt: skip

    timings: list[float] = []
    cpu_timings: list[float] = []  # CPU time of this thread: what a busy machine does not inflate
    first_pass = len(all_questions)  # no word seen before: spelling corrections not cached
    for _ in range(args.rounds):
        for q in all_questions:
            started, cpu_started = time.perf_counter(), time.thread_time()
            all_kb.find(q, question_lang(q) or "zh")
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.thread_time() - cpu_started) * 1000)
    print(f"retrieval per question ({len(timings)} runs): p50 {percentile(timings, 50):.2f} ms, "
          f"p95 {percentile(timings, 95):.2f} ms, max {max(timings):.2f} ms; first pass "
          f"p95 {percentile(timings[:first_pass], 95):.2f} ms")  # fmt: skip
    print(f"retrieval CPU time per question: p50 {percentile(cpu_timings, 50):.2f} ms, "
          f"p95 {percentile(cpu_timings, 95):.2f} ms")  # fmt: skip

    e2e = end_to_end(all_questions, max(1, args.rounds // 4))
    print(f"/ask end to end on SQLite ({len(e2e)} runs): p50 {statistics.median(e2e):.2f} ms, "
          f"p95 {percentile(e2e, 95):.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
