"""Where the caches live, and the stamp that tells a file has not changed since it was last read.

Plain strings and ``os`` only: the quick start of ``peacegraph query`` uses them before anything else
is imported (``query/remembered.py``, ``verdicts.py``), and the full way (``records/known.py``) the same.
"""

from __future__ import annotations

import os
import stat


def cache_home() -> str:
    """Where stores built from releases are kept: ``$PEACEGRAPH_CACHE``, else the user's cache directory."""
    if "PEACEGRAPH_CACHE" in os.environ:
        return os.environ["PEACEGRAPH_CACHE"]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "peacegraph", "stores")


def of_status(status: os.stat_result) -> str:
    """What changes whenever the file is written, replaced or moved: device, inode, size, times."""
    return f"{status.st_dev}-{status.st_ino}-{status.st_size}-{status.st_mtime_ns}-{status.st_ctime_ns}"


def stamp(path: str) -> str | None:
    """The stamp of the regular file ``path``; None for anything else, or nothing."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return of_status(status) if stat.S_ISREG(status.st_mode) else None
