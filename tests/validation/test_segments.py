"""The lines that changed, found from the digests of the previous lines' segments."""

from __future__ import annotations

import random
from pathlib import Path

from peacegraph.rdf.bulk import blocks_of
from peacegraph.rdf.sorted_lines import SortedLines
from peacegraph.validation.segments import Digests, Segment, changes

SIZE = 200


def _data(lines: set[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in sorted(lines))


def _line(i: int) -> bytes:
    return b"<http://e/%05d> <http://e/p> <http://e/o> ." % i


def _segments(data: bytes) -> list[Segment]:
    digests = Digests()
    for _block in digests.through(blocks_of(data, SIZE)):
        pass
    return digests.segments


def test_changes_are_found_and_grown_segments_cut_anew(tmp_path: Path) -> None:
    rng = random.Random(3)
    before = {_line(i) for i in range(0, 400, 2)}
    (tmp_path / "before.nt").write_bytes(_data(before))
    segments = _segments(_data(before))
    after = (before - set(rng.sample(sorted(before), 5))) | {_line(i) for i in range(401, 700)} | {_line(1), _line(0)}
    found = changes(segments, SortedLines(_data(after)), tmp_path / "before.nt", SIZE)
    assert found is not None
    assert (found.removed, found.added) == (before - after, after - before)
    assert max(s.length for s in found.segments) <= 4 * SIZE + 100  # the grown last segment cut anew
    assert b"".join(_data(after)[s.offset : s.offset + s.length] for s in found.segments) == _data(after)
    (tmp_path / "after.nt").write_bytes(_data(after))
    again = changes(found.segments, SortedLines(_data(after | {_line(999)})), tmp_path / "after.nt", SIZE)
    assert again is not None
    assert (again.removed, again.added) == (set(), {_line(999)})


def test_previous_lines_unlike_their_segments_are_refused(tmp_path: Path) -> None:
    before = {_line(i) for i in range(100)}
    segments = _segments(_data(before))
    (tmp_path / "before.nt").write_bytes(_data(before).replace(b"00042", b"00043"))
    assert changes(segments, SortedLines(_data(before - {_line(41)})), tmp_path / "before.nt", SIZE) is None
