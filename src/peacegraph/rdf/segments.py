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
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, Protocol

from .bulk import Chunk

#: One subject in 256 begins a segment: about 3,000 lines a segment in a typical graph (read when
#: used, so that tests can cut small graphs into many segments).
MASK = 0xFF


def begins(subject: bytes) -> bool:
    """Whether the first line of ``subject`` (``<iri>``) begins a segment (unless it is the first line)."""
    return zlib.crc32(subject) & MASK == 0


def split(chunks: Iterable[Chunk]) -> Iterator[list[Chunk]]:
    """The lines of ``chunks`` (consecutive, in order) cut into segments, each a list of chunks."""
    segment: list[Chunk] = []
    last = None  # the subject of the line before, if any
    for chunk in chunks:
        subjects = chunk.subjects
        start = 0
        for subject in dict.fromkeys(subjects):
            if subject == last or not begins(subject):
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
