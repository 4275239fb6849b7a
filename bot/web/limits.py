"""Per-client rate limits: a token bucket per key (a conversation, a client address), in memory."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    """At most `burst` events at once, refilled at `per_minute`; `wait(key)` says how long until the next."""

    per_minute: float
    burst: int
    max_keys: int = 100_000  # forget the oldest keys beyond this (memory stays bounded)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str, now: float | None = None) -> int:
        """0 when the event may go ahead (and it is counted), else the seconds to wait (Retry-After)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_minute / 60)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.pop(next(iter(self._buckets)))
            return 0 if allowed else math.ceil((1 - tokens) * 60 / self.per_minute)
