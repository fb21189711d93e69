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

import os
from collections.abc import Iterable, Iterator
from itertools import compress
from operator import not_
from typing import IO, Protocol
from zlib import crc32

from .bulk import Chunk

#: One subject in 1024 begins a segment: about 10,000 lines (1.5 MB) a segment in the synthetic graphs,
#: so that what is done once a segment costs little beside what is done a line; and one changed segment
#: is written again in a few hundredths of a second. Read when used: tests cut small graphs into many.
MASK = 0x3FF


def begins(subject: bytes) -> bool:
    """Whether the first line of ``subject`` (``<iri>``) begins a segment (unless it is the first line)."""
    return not crc32(subject) & MASK


def pieces(chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, bool]]:
    """The lines of ``chunks`` (consecutive, in order) in pieces, each the lines of one chunk in one
    segment, and whether it is the last of its segment (so that no more than a chunk is held).

    The subjects that begin a segment are found among each chunk's distinct subjects, then their
    first lines, in C."""
    pending = None  # the piece before, whose segment may go on
    last = None  # the subject of the line before, if any
    cut = MASK.__and__
    for chunk in chunks:
        subjects, lines = chunk.subjects, chunk.lines
        start = begin = 0  # the first line (and byte) of the chunk not yet in a piece
        distinct = list(dict.fromkeys(subjects))
        for subject in compress(distinct, map(not_, map(cut, map(crc32, distinct)))):
            line = subjects.index(subject, start)
            if line == 0 and (last is None or subject == last):
                continue  # the first line of all, or not the first of its subject
            at = begin + sum(map(len, lines[start:line])) + line - start
            if line > start:
                if pending is not None:
                    yield pending, False
                pending = _slice(chunk, start, line, begin, at)
            if pending is not None:
                yield pending, True
                pending = None
            start, begin = line, at
        if start < len(lines):
            if pending is not None:
                yield pending, False
            pending = _slice(chunk, start, len(lines), begin, len(chunk.data)) if start else chunk
        last = subjects[-1]
    if pending is not None:
        yield pending, True


def split(chunks: Iterable[Chunk]) -> Iterator[list[Chunk]]:
    """The lines of ``chunks`` cut into segments, each a list of chunks (:func:`pieces`, together)."""
    segment: list[Chunk] = []
    for piece, last in pieces(chunks):
        segment.append(piece)
        if last:
            yield segment
            segment = []


def _slice(chunk: Chunk, start: int, end: int, begin: int, stop: int) -> Chunk:
    """Lines ``start`` to ``end`` of ``chunk``, which are its bytes ``begin`` to ``stop``."""
    part = slice(start, end)
    lines, subjects, predicates, objects = (
        chunk.lines[part],
        chunk.subjects[part],
        chunk.predicates[part],
        chunk.objects[part],
    )
    return Chunk(lines, subjects, predicates, objects, chunk.data[begin:stop])


def data(segment: list[Chunk]) -> bytes:
    """The lines of ``segment`` as the N-Triples hold them."""
    return b"".join(chunk.data for chunk in segment)


class Source(Protocol):
    """Bytes read by position: the lines in memory, or a file."""

    size: int

    def read(self, start: int, length: int) -> bytes: ...


class InMemory:
    """The lines held in memory."""

    def __init__(self, data: bytes):
        self.data, self.size = data, len(data)

    def read(self, start: int, length: int) -> bytes:
        return self.data[start : start + length]


class InFile:
    """The lines of a file open for reading (read where asked, never whole)."""

    def __init__(self, handle: IO[bytes]):
        self.fd = handle.fileno()
        self.size = os.fstat(self.fd).st_size

    def read(self, start: int, length: int) -> bytes:
        return os.pread(self.fd, max(0, min(length, self.size - start)), start)


def subject_at(source: Source, at: int) -> bytes:
    """The subject of the line that begins at ``at`` (``<iri>``)."""
    size = 1 << 12
    while True:
        head = source.read(at, size)
        space = head.find(b" ")
        if space >= 0:
            return head[:space]
        if len(head) < size:
            raise ValueError(f"no subject at byte {at}: not canonical N-Triples")
        size *= 2


def cut_at(source: Source, start: int, end: int) -> bool:
    """Whether the lines are cut at ``end``, the end of a segment that begins at ``start``: the end
    of the lines, or the first line of a subject that begins a segment."""
    if end >= source.size:
        return end == source.size
    subject = subject_at(source, end)
    if not begins(subject):
        return False
    size = 1 << 12
    while True:  # the subject of the line before
        low = max(start, end - size)
        tail = source.read(low, end - low)
        line = tail.rfind(b"\n", 0, len(tail) - 1)
        if line >= 0 or low == start:
            before = tail[line + 1 :]
            return before[: before.find(b" ")] != subject
        size *= 2


def next_cut(source: Source, start: int) -> int:
    """Where the segment that begins at ``start`` ends (:func:`split` would end it there), read a line at a time."""
    size = 1 << 20
    while True:
        window = source.read(start, size)
        final = start + len(window) >= source.size
        lines = window.split(b"\n")
        if not final and len(lines) < 3:  # not two whole lines
            size *= 2
            continue
        complete = lines if final else lines[:-1]
        last = complete[0][: complete[0].find(b" ")]
        at = len(complete[0]) + 1
        for line in complete[1:]:
            subject = line[: line.find(b" ")]
            if line and subject != last and begins(subject):
                return start + at
            last = subject
            at += len(line) + 1
        if final:
            return source.size
        size *= 2
