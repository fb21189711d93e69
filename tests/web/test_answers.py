"""The answers a server keeps: bounded by bytes, the least recently used go first."""

from __future__ import annotations

from peacegraph.web.answers import AnswerCache


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
