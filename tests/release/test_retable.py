"""The kept CSV files are read a block at a time: an identifier across two blocks is still found, once."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from peacegraph.release import retable


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64])
def test_an_identifier_is_found_wherever_the_blocks_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    rng = random.Random(block)
    data = b"".join(rng.choice([b"ab", b"a", b"b", b",", b" ", b"\r\n", b"aab"]) for _ in range(400))
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    monkeypatch.setattr(retable, "_BLOCK", block)
    with path.open("rb") as handle:
        kept = retable._File(handle.fileno(), len(data))
        for needle in (b"ab", b"a", b"aab", b"b ,"):
            expected = [
                (at, data[at - 1 : at], data[at + len(needle) : at + len(needle) + 1])
                for at in range(1, len(data))
                if data.startswith(needle, at)
            ]
            assert list(kept.around(needle, 1)) == expected
            copied = tmp_path / "copy"
            with copied.open("wb") as sink:
                kept.copy(3, len(data) - 2, sink)
            assert copied.read_bytes() == data[3:-2]
