"""The lines removed and added between two graphs' canonical N-Triples, as a set difference gives them."""

from __future__ import annotations

import mmap
from pathlib import Path

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
