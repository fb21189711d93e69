"""Looking triples up in canonical N-Triples as they are, bytes sorted a line each, without parsing them.

A graph's lines (:mod:`peacegraph.rdf.lines`) are sorted bytewise, and a line is ``<s> <p> o .``
(subject and predicate IRIs with no space in them, see :mod:`peacegraph.rdf.bulk`). So the lines of
one subject are contiguous and found by bisection, in microseconds; the lines with a given object
are anywhere, and are found by a search of the whole text (C's, about 80 ms for 160 MB): the
incremental validation (:mod:`.incremental`) counts those searches and gives up past a few.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable
from typing import Final

Buffer = bytes | mmap.mmap

#: Objects looked for one search each, up to this many; more are found by reading every line of their predicate.
FEW_OBJECTS: Final = 3


def split(line: bytes) -> tuple[bytes, bytes, bytes]:
    """A line's subject, predicate and object as it writes them (the line without its ``\\n``)."""
    subject, predicate, rest = line.split(b" ", 2)
    return subject, predicate, rest[:-2]


class TooCostly(Exception):  # noqa: N818 - an outcome, not an error: the caller does the work another way
    """More searches of the whole text than the budget allows."""


class SortedLines:
    """Lookups in the sorted lines ``data`` (each ending with ``\\n``); ``searches`` counts the searches
    of the whole text, and more than ``budget`` raise :class:`TooCostly`."""

    def __init__(self, data: Buffer, budget: int | None = None):
        self.data = data
        self.searches = 0
        self.budget = budget

    def lower_bound(self, key: bytes, lo: int = 0, hi: int | None = None) -> int:
        """The offset of the first line (between the line starts ``lo`` and ``hi``) not below ``key``."""
        data = self.data
        hi = len(data) if hi is None else hi
        while lo < hi:
            mid = (lo + hi) // 2
            newline = data.rfind(b"\n", lo, mid)
            start = newline + 1 if newline >= 0 else lo
            end = data.find(b"\n", start) + 1
            if data[start : end - 1] < key:
                lo = end
            else:
                hi = start
        return lo

    def of_subject(self, subject: bytes) -> list[bytes]:
        """The lines of ``subject`` (an IRI as lines write it; a literal has none)."""
        if not subject.startswith(b"<"):
            return []
        start = self.lower_bound(subject + b" ")
        end = self.lower_bound(subject + b"!", start)  # "!" follows " ": past every line of the subject
        return self.data[start:end].split(b"\n")[:-1] if end > start else []

    def with_objects(self, predicate: bytes, objects: Iterable[bytes]) -> list[bytes]:
        """The lines ``<s> predicate o .`` whose object is one of ``objects``."""
        wanted = set(objects)
        if not wanted:
            return []
        if len(wanted) <= FEW_OBJECTS:
            found = [line for o in sorted(wanted) for line in self._search(b" " + predicate + b" " + o + b" .\n")]
        else:
            found = self._search(b" " + predicate + b" ")
        return [line for line in found if split(line)[1] == predicate and split(line)[2] in wanted]

    def with_predicate(self, predicate: bytes) -> list[bytes]:
        """The lines of ``predicate`` (one search)."""
        return [line for line in self._search(b" " + predicate + b" ") if split(line)[1] == predicate]

    def with_any_predicate(self, objects: Iterable[bytes]) -> list[bytes]:
        """The lines whose object is one of ``objects`` (a search each)."""
        wanted = set(objects)
        found = [line for o in sorted(wanted) for line in self._search(b" " + o + b" .\n")]
        return [line for line in found if split(line)[2] in wanted]

    def _search(self, needle: bytes) -> list[bytes]:
        """Every line in which ``needle`` occurs (once each, whatever part of the line it matched)."""
        self.searches += 1
        if self.budget is not None and self.searches > self.budget:
            raise TooCostly(f"more than {self.budget} searches of the whole text")
        data, found, at = self.data, [], 0
        while (at := data.find(needle, at)) >= 0:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at + 1)
            end = len(data) if end < 0 else end
            found.append(data[start:end])
            at = end
        return found
