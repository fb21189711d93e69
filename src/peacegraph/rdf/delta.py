"""What changed between two graphs held as canonical N-Triples (:mod:`.lines`): the lines removed and added.

Both are sorted lines, each once, so a merge of the two finds every difference; but after a small edit
nearly all of a million lines are the same, and comparing them one by one in Python would take a second.
So equal stretches are skipped a block at a time (a comparison of two byte slices, done by ``memcmp``),
and only around a difference are lines compared one by one, until the two sides agree again. Lines are
compared whole with their newline: no canonical line is a prefix of another (each ends with " ." and a
literal's quotes are escaped), so this is the order the lines were sorted in.

Where the graphs differ nearly everywhere, the rest is compared as sets of lines instead (which any
order of lines allows): a merge line by line would take longer.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass
from typing import BinaryIO, Final, TypeAlias


class FileText:
    """A graph's dump read where it is asked for, a slice at a time (``pread``), never held nor mapped
    whole: a mapped page counts in the process's memory while it is mapped, and a rebuild compares the
    whole of the last build's dump (1.6 GB at ten million triples) with the new lines it holds."""

    def __init__(self, handle: BinaryIO):
        self._fd = handle.fileno()
        self._size = os.fstat(self._fd).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _step = where.indices(self._size)
        parts = []
        while start < stop:
            part = os.pread(self._fd, stop - start, start)
            if not part:
                raise OSError("the file got shorter while it was read")
            parts.append(part)
            start += len(part)
        return b"".join(parts)

    def find(self, sub: bytes, start: int) -> int:
        """Where ``sub`` first occurs from ``start`` on (-1: nowhere)."""
        while start < self._size:
            window = self[start : start + BLOCK + len(sub) - 1]
            found = window.find(sub)
            if found >= 0:
                return start + found
            start += BLOCK
        return -1


#: What a graph's lines can be read from: the bytes, a memory map, or a dump read a slice at a time.
Text: TypeAlias = bytes | mmap.mmap | FileText

#: Bytes compared at once to skip what is equal (about 400 lines).
BLOCK: Final = 1 << 16
#: Lines compared one by one before the rest is compared as sets.
STEPS: Final = 50_000


@dataclass(frozen=True)
class Delta:
    """The lines (each with its newline) only the old graph has, and those only the new one has, in order."""

    removed: list[bytes]
    added: list[bytes]

    def __bool__(self) -> bool:
        return bool(self.removed or self.added)


def between(old: Text, new: Text, block: int = BLOCK, steps: int = STEPS) -> Delta:
    """The difference of two canonical N-Triples texts, skipping equal stretches ``block`` bytes at a time,
    and comparing the rest as sets after ``steps`` lines compared one by one."""
    return _walk(old, new, block, steps, give_up=False) or Delta([], [])


def near(old: Text, new: Text, block: int = BLOCK, steps: int = STEPS) -> Delta | None:
    """:func:`between`, or None where the texts differ in more than about ``steps`` lines (held as sets,
    the lines of a large graph would take gigabytes)."""
    return _walk(old, new, block, steps, give_up=True)


def _walk(old: Text, new: Text, block: int, steps: int, give_up: bool) -> Delta | None:
    removed: list[bytes] = []
    added: list[bytes] = []
    i = j = compared = 0
    while i < len(old) and j < len(new):
        if i + block < len(old) and j + block < len(new):
            same = old[i : i + block]
            if same == new[j : j + block] and (last := same.rfind(b"\n")) >= 0:
                i, j = i + last + 1, j + last + 1  # the same whole lines on both sides
                continue
        compared += 1
        if compared > steps:
            return None if give_up else _as_sets(old[i:], new[j:], removed, added)
        line_a, line_b = _line(old, i), _line(new, j)
        if line_a == line_b:
            i, j = i + len(line_a), j + len(line_b)
        elif line_a < line_b:
            removed.append(line_a)
            i += len(line_a)
        else:
            added.append(line_b)
            j += len(line_b)
    if give_up and (len(old) - i) + (len(new) - j) > steps * 128:  # a long tail on one side: lines in bulk
        return None
    removed.extend(old[i:].splitlines(keepends=True))
    added.extend(new[j:].splitlines(keepends=True))
    return Delta(removed, added)


def _line(text: Text, start: int) -> bytes:
    """The line that starts at ``start``, with its newline (the text ends with one)."""
    end = text.find(b"\n", start)
    return text[start : len(text) if end < 0 else end + 1]


def _as_sets(old: bytes, new: bytes, removed: list[bytes], added: list[bytes]) -> Delta:
    before, after = set(old.splitlines(keepends=True)), set(new.splitlines(keepends=True))
    removed.extend(sorted(before - after))
    added.extend(sorted(after - before))
    return Delta(removed, added)
