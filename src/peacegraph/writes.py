"""New files written to the kernel a slice at a time.

A write of megabytes at once into a new file cost the kernel many times what the same bytes cost in
slices of tens of kilobytes, on the virtual machines these builds are measured on (Linux 6.18): 800 MB
written in 4 MiB writes took 1.9 s of system CPU, in 64 KiB writes 0.16 s, each run after a few idle
seconds (``bench/writes.py`` prints the figures). Most likely the page cache then takes memory in blocks
as large as the write, and large free blocks are the dearest for the host to give back to the guest.
Python's own buffered file passes a large write to the kernel whole; the large files of a build (the
sorted lines, the dumps, the tables) are made with :func:`create`, which never does.

Elsewhere slices cost nothing noticeable: 16 system calls a megabyte.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

#: The most bytes given to the kernel in one write (and the size of the buffer in front of it).
SLICE: Final = 1 << 16


def create(path: Path, *, exclusive: bool = True) -> BinaryIO:
    """``path``, a new file (``exclusive``: one that does not exist yet; else emptied if it does), open
    for buffered writing, every write reaching the kernel at most :data:`SLICE` bytes at a time."""
    return io.BufferedWriter(_Sliced(path, "xb" if exclusive else "wb"), buffer_size=SLICE)


class _Sliced(io.FileIO):
    """A file whose writes are each given to the kernel a slice at a time (all of them, or an error)."""

    def write(self, data: ReadableBuffer, /) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            written = super().write(view[done : done + SLICE])
            if written is None:  # pragma: no cover - only a non-blocking file writes nothing
                raise BlockingIOError(f"{self.name} cannot be written now")
            done += written
        return done
