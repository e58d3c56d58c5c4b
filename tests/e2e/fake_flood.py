"""Telegram's flood limits as the fake Bot API enforces them: 30 messages/s overall (a token
bucket) and one message per second per chat, plus 429s handed out on demand."""

from __future__ import annotations

import time


class FloodLimits:
    def __init__(self, global_rate: float = 30.0, chat_interval: float = 1.0) -> None:
        self.on = False
        self.global_rate = global_rate
        self.chat_interval = chat_interval
        self.chat_tolerance = 0.05  # network jitter between the client's clock and ours
        self._forced: list[float] = []
        self._tokens = global_rate
        self._refilled = time.monotonic()
        self._chat_last: dict[int, float] = {}

    def enforce(self, on: bool = True) -> None:
        self.on = on
        self._tokens = self.global_rate
        self._refilled = time.monotonic()
        self._chat_last.clear()

    def fail_next(self, count: int, retry_after: float) -> None:
        self._forced.extend([retry_after] * count)

    def wait(self, chat_id: int) -> float | None:
        """Seconds to wait when this send breaks a limit, else None (and the send counts)."""
        if self._forced:
            return self._forced.pop(0)
        if not self.on:
            return None
        now = time.monotonic()
        self._tokens = min(
            self.global_rate, self._tokens + (now - self._refilled) * self.global_rate
        )
        self._refilled = now
        last = self._chat_last.get(chat_id)
        if last is not None and now - last < self.chat_interval - self.chat_tolerance:
            return self.chat_interval - (now - last)
        if self._tokens < 1:
            return (1 - self._tokens) / self.global_rate
        self._tokens -= 1
        self._chat_last[chat_id] = now
        return None
