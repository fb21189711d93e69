"""Files known again by their stamp, without reading them: where peacegraph keeps what it found of them.

A file's *stamp* is its device, inode, size, and modification and change times in nanoseconds.
Writing a file changes its change time, which no user can set back, so a stamp seen before means
the content seen then. A stamp is trusted only once the files have not changed for a few seconds
(a file system whose clock ticks coarsely could otherwise change a file twice within one tick), and
only when they did not change while they were read. The query stores are found this way
(``query/cache.py``), and so is a collection.yaml already checked (``collection.py``): what a check
found is kept under :func:`cache_home` with the stamp in its name.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Final

from .. import stamps
from ..errors import InputError

#: A stamp is kept only for files older than this (seconds since their last change).
SETTLED_SECONDS: Final = 2.0
#: What checks found of files that have not changed since (:func:`remember`).
CHECKED: Final = "checked"


def cache_home() -> Path:
    """Where stores built from releases are kept: ``$PEACEGRAPH_CACHE``, else the user's cache directory."""
    return Path(stamps.cache_home())


def stamp_of(files: list[Path]) -> str:
    """What changes whenever any of ``files`` is written, replaced or moved; refuses what is not a file."""
    parts = []
    for path in files:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{path.name} is not a regular file", path)
        parts.append(stamps.of_status(status))
    return "_".join(parts)  # digits, dashes and underscores: the name of the file that records it


def settled(files: list[Path], seconds: float = SETTLED_SECONDS) -> bool:
    """Whether none of ``files`` changed in the last ``seconds``."""
    newest = max(max(os.stat(path).st_mtime, os.stat(path).st_ctime) for path in files)
    return time.time() - newest > seconds


def write_whole(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (a reader never sees half of it)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".writing-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as written:
        written.write(text)
    os.replace(temporary, path)


def recall(kind: str, stamp: str) -> str | None:
    """What was remembered (:func:`remember`) of the files that had ``stamp``, for ``kind`` of use, if anything."""
    try:
        return (cache_home() / CHECKED / f"{kind}_{stamp}").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def remember(kind: str, stamp: str, files: list[Path], text: str) -> None:
    """Keep ``text`` (what a check found) for ``files`` with the ``stamp`` they had when they were read: only
    if they have it still and have settled; nowhere where no cache can be kept."""
    try:
        if stamp_of(files) == stamp and settled(files, SETTLED_SECONDS):
            write_whole(cache_home() / CHECKED / f"{kind}_{stamp}", text)
    except OSError:
        return
