"""Content-defined segments of canonical N-Triples, so that a rebuild can reuse what it wrote of the parts
that did not change.

The lines are cut before the first line of some subjects: those whose IRI (as the line holds it,
``<…>``) has a CRC-32 with its low bits all zero (:data:`MASK`). Whether a line begins a segment
depends on that line and the one before it only, so an edit moves no cut outside the lines it
touches: the segments before and after it are the same bytes as before. A subject's lines are never
cut apart, so the segments of a graph have no subject in common, and what the dumps say of one
segment is what they say of its subjects' lines alone (:mod:`.serialize`'s writers group triples by
subject, never across).
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Iterable, Iterator
from typing import Final

from .bulk import Chunk

#: One subject in 256 begins a segment: about 3,000 lines a segment in a typical graph.
MASK: Final = 0xFF


def begins(subject: bytes, mask: int = MASK) -> bool:
    """Whether the first line of ``subject`` (``<iri>``) begins a segment (unless it is the first line)."""
    return zlib.crc32(subject) & mask == 0


def split(chunks: Iterable[Chunk], mask: int = MASK) -> Iterator[list[Chunk]]:
    """The lines of ``chunks`` (consecutive, in order) cut into segments, each a list of chunks."""
    segment: list[Chunk] = []
    last = None  # the subject of the line before, if any
    for chunk in chunks:
        subjects = chunk.subjects
        start = 0
        for subject in dict.fromkeys(subjects):
            if subject == last or not begins(subject, mask):
                continue
            at = subjects.index(subject, start)
            if at == 0 and last is None:
                continue  # the first line of all
            if at > start:
                segment.append(_slice(chunk, start, at))
            if segment:
                yield segment
            segment, start = [], at
        if start < len(subjects):
            segment.append(_slice(chunk, start, len(subjects)) if start else chunk)
        last = subjects[-1]
    if segment:
        yield segment


def _slice(chunk: Chunk, start: int, end: int) -> Chunk:
    return Chunk(
        chunk.lines[start:end], chunk.subjects[start:end], chunk.predicates[start:end], chunk.objects[start:end]
    )


def data(segment: list[Chunk]) -> bytes:
    """The lines of ``segment`` as the N-Triples hold them."""
    return b"".join(b"\n".join(chunk.lines) + b"\n" for chunk in segment)


#: The lines of a whole graph: in memory, or a file mapped into memory.
Data = bytes | mmap.mmap


def subject_at(data: Data, start: int) -> bytes:
    """The subject of the line that begins at ``start``."""
    return data[start : _find(data, b" ", start)]


def end_of(data: Data, start: int, mask: int = MASK) -> int:
    """Where the segment that begins at ``start`` (the first line of a subject) ends: before the next
    line that begins one, or at the end of ``data``. Read a line at a time: this is for the few
    segments a rebuild makes again."""
    size = len(data)
    last = subject_at(data, start)
    at = _find(data, b"\n", start) + 1
    while at < size:
        subject = subject_at(data, at)
        if subject != last and begins(subject, mask):
            return at
        last = subject
        at = _find(data, b"\n", at) + 1
    return size


def _find(data: Data, what: bytes, start: int) -> int:
    found = data.find(what, start)
    if found < 0:
        raise ValueError(f"no {what!r} after byte {start}: not canonical N-Triples")
    return found
