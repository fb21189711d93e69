"""The lines removed and added between two graphs' canonical N-Triples, as a set difference gives them."""

from __future__ import annotations

import mmap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacegraph.rdf import delta

_LINE = st.builds(
    lambda s, o: f'<urn:s:{s}> <urn:p> "{o}" .\n'.encode(),
    st.integers(0, 300),
    st.text(alphabet="ab é\\", max_size=3).map(lambda t: t.replace("\\", "\\\\")),
)


def _text(lines: set[bytes]) -> bytes:
    return b"".join(sorted(lines))


def _expected(old: set[bytes], new: set[bytes]) -> delta.Delta:
    return delta.Delta(sorted(old - new), sorted(new - old))


@settings(max_examples=200, deadline=None)
@given(st.sets(_LINE, max_size=400), st.sets(_LINE, max_size=400), st.integers(1, 64), st.integers(1, 40))
def test_the_difference_is_the_set_difference(old: set[bytes], new: set[bytes], block: int, steps: int) -> None:
    # small blocks and few steps make every path run: skipping equal blocks, line by line, sets for the rest
    assert delta.between(_text(old), _text(new), block, steps) == _expected(old, new)


@settings(max_examples=100, deadline=None)
@given(st.sets(_LINE, min_size=1, max_size=300), st.data())
def test_a_small_edit_of_a_large_graph(lines: set[bytes], data: st.DataObject) -> None:
    gone = data.draw(st.sets(st.sampled_from(sorted(lines)), max_size=3))
    come = data.draw(st.sets(_LINE, max_size=3))
    new = (lines - gone) | come
    assert delta.between(_text(lines), _text(new)) == _expected(lines, new)


def test_read_from_a_memory_map_of_a_dump(tmp_path: Path) -> None:
    old = {f"<urn:s:{n:06}> <urn:p> <urn:o> .\n".encode() for n in range(20_000)}
    new = (old - {b"<urn:s:010000> <urn:p> <urn:o> .\n"}) | {b"<urn:s:015000> <urn:p> <urn:q> .\n"}
    dump = tmp_path / "old.nt"
    dump.write_bytes(_text(old))
    with open(dump, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        found = delta.between(mapped, _text(new))
    assert found == _expected(old, new)
    assert found
    assert not delta.between(_text(new), _text(new))


@settings(max_examples=100, deadline=None)
@given(st.sets(_LINE, max_size=400), st.sets(_LINE, max_size=400), st.integers(1, 64), st.integers(1, 40))
def test_read_from_a_dump_a_slice_at_a_time(
    tmp_path_factory: pytest.TempPathFactory, old: set[bytes], new: set[bytes], block: int, steps: int
) -> None:
    """The last build's dump read where it is asked for (never held nor mapped whole) gives the same difference."""
    dump = tmp_path_factory.mktemp("dump") / "old.nt"
    dump.write_bytes(_text(old))
    with open(dump, "rb") as handle:
        text = delta.FileText(handle)
        assert delta.between(text, _text(new), block, steps) == _expected(old, new)
        assert delta.near(text, _text(new), block, steps) in (None, _expected(old, new))


def test_a_slice_at_a_time_finds_across_blocks(tmp_path: Path) -> None:
    dump = tmp_path / "old.nt"
    data = b"a" * (delta.BLOCK - 2) + b"xyz\n" + b"b" * 10
    dump.write_bytes(data)
    with open(dump, "rb") as handle:
        text = delta.FileText(handle)
        assert len(text) == len(data)
        assert text.find(b"xyz\n", 0) == data.find(b"xyz\n")
        assert text.find(b"\n", delta.BLOCK + 3) == -1
        assert text[delta.BLOCK - 5 : delta.BLOCK + 5] == data[delta.BLOCK - 5 : delta.BLOCK + 5]
        assert text[len(data) - 3 :] == data[-3:]
