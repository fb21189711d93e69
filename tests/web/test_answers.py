"""The answers a server keeps: bounded by bytes, the least recently used go first."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from peacegraph.serve import protocol
from peacegraph.serve.answers import AnswerCache
from peacegraph.serve.workers import Answer

#: What a client may send as its ``Accept`` header: a real media range, then anything.
ACCEPT = "text/csv, " + "x" * 12_000


def _size(key: str, answer: bytes) -> int:
    return len(key) + len(answer)


def test_the_least_recently_used_answer_goes_first() -> None:
    kept: AnswerCache[str, bytes] = AnswerCache(_size, max_entry=100, max_total=25)
    kept.put("a", b"x" * 9)
    kept.put("b", b"x" * 9)
    assert kept.get("a") == b"x" * 9  # now "b" is the least recently used
    kept.put("c", b"x" * 9)
    assert kept.get("b") is None
    assert kept.get("a") == kept.get("c") == b"x" * 9


def test_an_answer_larger_than_an_entry_may_be_is_not_kept() -> None:
    kept: AnswerCache[str, bytes] = AnswerCache(_size, max_entry=10, max_total=100)
    kept.put("big", b"x" * 8)
    kept.put("small", b"x" * 5)
    assert kept.get("big") is None
    assert kept.get("small") == b"x" * 5


def test_an_answer_kept_is_not_replaced_or_counted_twice() -> None:
    kept: AnswerCache[str, bytes] = AnswerCache(_size, max_entry=100, max_total=20)
    kept.put("a", b"first")
    kept.put("a", b"second")
    kept.put("b", b"x" * 9)  # 6 + 10 bytes: fits only if "a" was counted once
    assert kept.get("a") == b"first"
    assert kept.get("b") == b"x" * 9


@pytest.mark.parametrize(
    ("size", "entry"),
    [
        (protocol._answer_size, lambda i: ((f"ASK {{}} #{i}", ACCEPT + str(i)), Answer("text/csv", b"x"))),
        (
            protocol._response_size,
            lambda i: ((b"query=ASK%7B%7D%23" + b"%d" % i, ACCEPT + str(i)), b"HTTP/1.1 200 OK\r\n"),
        ),
    ],
)
def test_the_memory_a_server_keeps_answers_in_stays_within_the_bound(
    size: Callable[[Any, Any], int], entry: Callable[[int], tuple[Any, Any]]
) -> None:
    """A client may send any ``Accept`` header (up to the 16 KiB head) with a query whose answer is a
    few bytes: every entry counts its key, ``Accept`` included, and what holding it costs."""
    bound = 1 << 20
    kept: AnswerCache[Any, Any] = AnswerCache(size, max_total=bound)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(2000):
            kept.put(*entry(i))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < 1.5 * bound


def test_a_small_answer_still_counts_what_holding_it_costs() -> None:
    kept: AnswerCache[Any, Any] = AnswerCache(protocol._answer_size, max_total=1 << 20)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(20000):
            kept.put((f"ASK {{}} #{i}", None), Answer("text/csv", b"%d" % i))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < 1.5 * (1 << 20)
