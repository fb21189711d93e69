"""A graph's canonical N-Triples set aside in a temporary file while it is validated.

The validation store holds every triple (about 300 MB at a million triples); the N-Triples bytes
(160 MB there, 1.6 GB at ten million) are needed again only to write the release. A build writes
them to a file before the store is made, lets go of them, loads the store from the file, and reads
them back once the store is gone: the bytes and the store are never held at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from pyoxigraph import Triple

from .. import tempspace, writes
from .bulk import BLOCK_BYTES, blocks_from
from .lines import Lines

#: What the file is, in an error.
WHAT = "the lines set aside while they are validated"


class SpilledLines:
    """:class:`~peacegraph.rdf.lines.Lines` written to a temporary file, in a folder of
    :mod:`~peacegraph.tempspace` (removed on leaving the ``with`` block).

    It keeps no reference to the lines it was made of, so that the caller's can be the last one.
    Iterating reads them back and gives their triples (in canonical order, as the lines do).
    """

    @tempspace.writing(WHAT)
    def __init__(self, lines: Lines):
        self._folder = contextlib.ExitStack()
        try:
            place = self._folder.enter_context(tempspace.folder("spill", WHAT))
            self.path = place / "lines.nt"
            if lines.file is None:
                with writes.create(self.path) as out:
                    out.write(lines.data)
            elif not _linked(lines.file, self.path):
                shutil.copyfile(lines.file, self.path)  # a block at a time, never the lines whole
        except BaseException:
            self._folder.close()  # the part written
            raise
        self.count = lines.count
        self.as_lines = lines.as_lines

    def __enter__(self) -> SpilledLines:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._folder.close()

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.read())

    def open(self) -> BinaryIO:
        return open(self.path, "rb")

    def blocks(self, size: int = BLOCK_BYTES) -> Iterator[bytes]:
        """The lines read back, about ``size`` bytes of whole lines at a time (never all at once)."""
        with self.open() as handle:
            yield from blocks_from(handle, size)

    def read(self) -> Lines:
        """The lines again, as they were written."""
        return Lines(self.path.read_bytes(), self.count, self.as_lines)


def _linked(file: Path, path: Path) -> bool:
    """Whether the file the lines were made in (:attr:`.Lines.file`) is now also at ``path`` (a hard link:
    both are in the temporary folder), so that the lines need not be written again."""
    try:
        os.link(file, path)
    except OSError:  # another file system, or one without links: they are written
        return False
    return True
