"""What changed between two graphs' sorted lines, found from digests of the first one's segments.

A full validation notes, for each block of lines it loads, the block's first line, where it is and
its SHA-256 (:class:`Digests`, at the cost of hashing the lines once). A segment is every line from
its first line (its key) up to the next segment's key, so a later graph's lines fall into the same
segments by bisection; a segment whose lines hash alike is unchanged (SHA-256: no edit is missed),
and only the others are read from the previous lines and compared line by line. Those are checked
against their digests first: previous lines that are not the ones validated (a damaged file, another
build's) make :func:`changes` give up, and the validation is done in full.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..rdf.bulk import blocks_of
from ..rdf.sorted_lines import SortedLines


@dataclass(frozen=True)
class Segment:
    """Lines from ``key`` (a line, or a text the first line is not below) up to the next segment's key."""

    key: bytes
    offset: int
    length: int
    sha256: str


class Digests:
    """The segments of the lines handed to :meth:`through`, a block (of whole lines) each."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self._offset = 0

    def through(self, blocks: Iterator[bytes]) -> Iterator[bytes]:
        for block in blocks:
            if block:
                key = block[: block.find(b"\n")]
                self.segments.append(Segment(key, self._offset, len(block), hashlib.sha256(block).hexdigest()))
                self._offset += len(block)
            yield block


@dataclass(frozen=True)
class Changes:
    """The lines removed and added, and the segments of the new lines (for the next build)."""

    removed: set[bytes]
    added: set[bytes]
    segments: list[Segment]


def changes(segments: list[Segment], new: SortedLines, previous: Path, size: int) -> Changes | None:
    """The lines of ``previous`` (whose segments are ``segments``) and ``new`` that differ; None if
    ``previous`` is not what the segments describe, or they are not in order. The new lines keep the
    segments' keys, but lines before the first and segments grown past four times ``size`` are cut
    anew, in blocks of about ``size``."""
    data = new.data
    starts = [new.lower_bound(s.key) for s in segments]
    if not segments or any(a > b for a, b in itertools.pairwise(starts)):
        return None
    removed: set[bytes] = set()
    added = set(data[: starts[0]].split(b"\n")[:-1])  # lines before the first segment's
    fresh = list(_pieces(data[: starts[0]], 0, size))
    with previous.open("rb") as old:
        for segment, start, end in zip(segments, starts, [*starts[1:], len(data)], strict=True):
            lines = data[start:end]
            digest = _sha(lines)
            if end - start > 4 * size:  # grown: the next build compares it in pieces
                fresh += _pieces(lines, start, size)
            elif end > start:
                fresh.append(Segment(segment.key, start, end - start, digest))
            if digest == segment.sha256:
                continue
            old.seek(segment.offset)
            before = old.read(segment.length)
            if _sha(before) != segment.sha256:
                return None
            was, now = set(before.split(b"\n")[:-1]), set(lines.split(b"\n")[:-1])
            removed |= was - now
            added |= now - was
    return Changes(removed, added, fresh)


def _pieces(lines: bytes, offset: int, size: int) -> Iterator[Segment]:
    """Segments of ``lines`` (at ``offset`` in the whole), a block of about ``size`` bytes each."""
    for block in blocks_of(lines, size):
        yield Segment(block[: block.find(b"\n")], offset, len(block), _sha(block))
        offset += len(block)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode(segments: list[Segment]) -> list[list[object]]:
    return [[s.key.decode("utf-8", "surrogateescape"), s.offset, s.length, s.sha256] for s in segments]


def decode(rows: object) -> list[Segment]:
    """Segments as :func:`encode` wrote them (:class:`ValueError` for anything else)."""
    if not isinstance(rows, list):
        raise ValueError("segments: not a list")
    found = []
    for row in rows:
        key, offset, length, digest = row
        if not (isinstance(key, str) and isinstance(offset, int) and isinstance(length, int)):
            raise ValueError("segments: a malformed segment")
        found.append(Segment(key.encode("utf-8", "surrogateescape"), offset, length, str(digest)))
    return found
