"""Answers kept for queries asked again: the release a server serves never changes while it runs.

A query that has been answered is answered again from memory, without a worker, as long as the
same text comes with the same ``Accept`` header: a query UI re-run, a dashboard that polls, a
client that retries. Only complete answers are kept (never an error), at most ``max_entry`` bytes
each and ``max_total`` bytes in all; the least recently used go first.

The server keeps two: answers by query text and ``Accept`` header (whichever way the query came),
and the bytes of whole responses by the raw query string and ``Accept`` header of a ``GET``, so
that a plain query asked again is answered without even decoding its parameters.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

MAX_ENTRY = 1 << 20
MAX_TOTAL = 64 << 20

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class AnswerCache(Generic[K, V]):
    """A least-recently-used map whose entries are counted by ``size`` (their bytes)."""

    def __init__(self, size: Callable[[K, V], int], max_entry: int = MAX_ENTRY, max_total: int = MAX_TOTAL):
        self.size, self.max_entry, self.max_total = size, max_entry, max_total
        self._answers: OrderedDict[K, V] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: K, answer: V) -> None:
        size = self.size(key, answer)
        if size > self.max_entry:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._total += size
            while self._total > self.max_total:
                old_key, old = self._answers.popitem(last=False)
                self._total -= self.size(old_key, old)
