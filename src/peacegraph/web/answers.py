"""Answers kept for queries asked again: the release a server serves never changes while it runs.

A query that has been answered is answered again from memory, without a worker, as long as the
same text comes with the same ``Accept`` header: a query UI re-run, a dashboard that polls, a
client that retries. Only complete answers are kept (never an error), at most ``max_entry`` bytes
each and ``max_total`` bytes in all; the least recently used go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .workers import Answer

MAX_ENTRY = 1 << 20
MAX_TOTAL = 64 << 20


class AnswerCache:
    def __init__(self, max_entry: int = MAX_ENTRY, max_total: int = MAX_TOTAL):
        self.max_entry, self.max_total = max_entry, max_total
        self._answers: OrderedDict[tuple[str, str | None], Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, query: str, accept: str | None) -> Answer | None:
        with self._lock:
            answer = self._answers.get((query, accept))
            if answer is not None:
                self._answers.move_to_end((query, accept))
            return answer

    def put(self, query: str, accept: str | None, answer: Answer) -> None:
        size = len(answer.body) + len(query)
        if size > self.max_entry:
            return
        with self._lock:
            if (query, accept) in self._answers:
                return
            self._answers[(query, accept)] = answer
            self._size += size
            while self._size > self.max_total:
                (old_query, _accept), old = self._answers.popitem(last=False)
                self._size -= len(old.body) + len(old_query)
