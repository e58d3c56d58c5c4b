"""Work that must not hold up the users being served: one thread, a short queue.

A handler that would keep the core busy for seconds (a large export) answers at once and
hands the rest here; the work ends by queueing what it produced in the outbox, in a
transaction of its own. At most `queue` jobs wait; a handler told "no" says so to its user.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from domain.shared.ports import UnitOfWork

log = logging.getLogger(__name__)

Job = Callable[[UnitOfWork], None]
Failed = Callable[[UnitOfWork, str], None]  # told the reference id of the logged error


class Background:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], *, queue: int = 4) -> None:
        self.uow_factory = uow_factory
        self._slots = threading.BoundedSemaphore(queue)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, name: str, job: Job, failed: Failed) -> bool:
        """Run `job(uow)` and commit; on an error, `failed(uow, ref)` instead. False when full."""
        if not self._slots.acquire(blocking=False):
            return False
        with self._lock:
            if self._pool is None:  # started on first use: most processes never need it
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="background")
        self._pool.submit(self._run, name, job, failed)
        return True

    def _run(self, name: str, job: Job, failed: Failed) -> None:
        try:
            with self.uow_factory() as uow:
                job(uow)
                uow.commit()
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("background %s failed ref=%s", name, ref)
            try:
                with self.uow_factory() as uow:
                    failed(uow, ref)
                    uow.commit()
            except Exception:
                log.exception("background %s: telling the user failed too ref=%s", name, ref)
        finally:
            self._slots.release()

    def join(self) -> None:
        """Wait for what was submitted (tests, shutdown)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
