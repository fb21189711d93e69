"""Writing a release's files into a fresh directory as they are made, so that no dump has to be
held whole in memory; what describes them (``void.ttl``, ``ro-crate-metadata.json``,
``SHA256SUMS``) is given each file's size and SHA-256 instead of its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .. import writes


@dataclass(frozen=True)
class Written:
    """What a release says of one of its files."""

    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> Written:
        return cls(len(data), hashlib.sha256(data).hexdigest())


class Directory:
    """The files of a release being written into ``root`` (fresh and empty), by name below it."""

    def __init__(self, root: Path):
        self.root = root
        self.written: dict[str, Written] = {}

    def put(self, name: str, data: bytes) -> None:
        with self._open(name) as handle:
            handle.write(data)
        self.written[name] = Written.of(data)

    @contextlib.contextmanager
    def stream(self, name: str) -> Iterator[IO[bytes]]:
        """The file ``name``, open for writing; synced to disk and recorded when the block ends (its
        checksum read back from the page cache: a few tenths of a second for a million triples' dumps)."""
        with self._open(name) as handle:
            yield handle
        self._record(name)

    def link(self, name: str, source: Path, sha256: str | None = None) -> None:
        """The file ``name`` is ``source``, a file no one writes to any more: a hard link to it where the
        two are on one file system (the lines a build set aside: 0.3 s of CPU not spent copying them at
        a million triples), else a copy. Synced and recorded as :meth:`stream` does, or, given the
        ``sha256`` of the source's bytes (hashed as they were read for something else), without reading
        the file back."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, path)
        except OSError:  # another file system (EXDEV), or one without hard links
            with self._open(name) as handle, open(source, "rb") as original:
                shutil.copyfileobj(original, handle, _BUFFER)
        self._record(name, sync=True, sha256=sha256)

    def _record(self, name: str, sync: bool = False, sha256: str | None = None) -> None:
        """Note the size and SHA-256 of the file ``name`` as written (read back from the page cache, unless
        the caller hashed its bytes already: ``sha256``), synced to disk first if ``sync``."""
        with open(self.root / name, "rb") as written:
            if sync:
                os.fsync(written.fileno())
            if sha256 is None:
                sha256 = hashlib.file_digest(written, "sha256").hexdigest()
            self.written[name] = Written(os.fstat(written.fileno()).st_size, sha256)

    @contextlib.contextmanager
    def _open(self, name: str) -> Iterator[IO[bytes]]:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with writes.create(path) as handle:  # a slice at a time: see peacegraph.writes
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


_BUFFER = 1 << 20
