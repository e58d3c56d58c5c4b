"""The process's policy knowledge base: segmenter loaded once, index rebuilt per revision.

The app builds one (`bot.app.build_app`) and its router keeps it; a router built without one
(a test's) gets its own when the policy context is installed.

The index is derived data (rebuilt from the database whenever `policy.revision()` changes,
i.e. after a document load or a new FAQ entry), so keeping it in memory loses nothing; a
second worker notices the new revision on its next question.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from domain.policy.answers import KnowledgeBase
from domain.policy.meaning import Encoder, default_encoders
from domain.policy.segmenter import Segmenter
from domain.shared.ports import UnitOfWork

log = logging.getLogger(__name__)


class PolicyKnowledge:
    def __init__(
        self,
        make_segmenter: Callable[[], Segmenter] = Segmenter,
        encoders: Sequence[Encoder] | None = None,
    ) -> None:
        """`encoders`: the sentence encoders of the search (by default the process's
        `default_encoders()`; none for a search by words only)."""
        self._make_segmenter = make_segmenter
        self._encoders = encoders
        self._segmenter: Segmenter | None = None
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()
        self.warm_up_requested = False  # worker processes warm up too when this one does

    def segmenter(self) -> Segmenter:
        with self._lock:
            if self._segmenter is None:
                started = time.perf_counter()
                self._segmenter = self._make_segmenter()
                log.info("policy segmenter ready in %.2fs", time.perf_counter() - started)
            return self._segmenter

    def current(self, uow: UnitOfWork) -> KnowledgeBase:
        """The knowledge base of the database's current revision (built on first need)."""
        revision = uow.policy.revision()
        kb = self._kb
        if kb is not None and kb.revision == revision:
            return kb
        segmenter = self.segmenter()
        with self._lock:
            if self._kb is not None and self._kb.revision == revision:
                return self._kb
            started = time.perf_counter()
            encoders = default_encoders() if self._encoders is None else self._encoders
            # New texts' vectors are stored with what the caller commits (a question, a
            # load); any that are not are embedded again by the next process, no more.
            documents, faqs = uow.policy.documents(), uow.policy.faqs()
            try:
                kb = KnowledgeBase(
                    documents, faqs, segmenter, revision, encoders=encoders, vectors=uow.policy
                )
            except Exception:
                if not encoders:
                    raise
                # An encoder that cannot run (a broken install, no memory) must not stop
                # the answers: words only until the next revision, and the operator told.
                log.exception("policy encoders failed; this revision is searched by words only")
                kb = KnowledgeBase(documents, faqs, segmenter, revision)
            log.info(
                "policy index of %d entries built in %.3fs",
                len(kb.index),
                time.perf_counter() - started,
            )
            self._kb = kb
            return kb

    def warm_up(self, uow_factory: Callable[[], UnitOfWork] | None = None) -> None:
        """Load the segmenter's dictionary and build the index now rather than on a question."""
        self.segmenter()
        if uow_factory is not None:
            with uow_factory() as uow:
                kb = self.current(uow)
                uow.commit()  # the vectors of texts new since the last start
            if kb.index.meaning is not None:
                kb.index.meaning.question("保证金")  # each encoder's model loaded now

    def warm_up_in_background(self, uow_factory: Callable[[], UnitOfWork]) -> threading.Thread:
        self.warm_up_requested = True

        def run() -> None:
            try:
                self.warm_up(uow_factory)
            except Exception:
                log.exception("policy knowledge warm-up failed; it is retried on first use")

        thread = threading.Thread(target=run, name="policy-warm-up", daemon=True)
        thread.start()
        return thread
