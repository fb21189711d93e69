"""A build's temporary files: the sorted runs of its lines, and its lines set aside while they are
validated. They go where :mod:`tempfile` says (``TMPDIR``); when they cannot be written there (a full
disk, a folder not writable) the build stops with one plain error that says where, and what to do,
instead of a traceback. Nothing of the release is touched by then.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError


@contextlib.contextmanager
def writing(what: str) -> Iterator[None]:
    """Inside the block, an :class:`OSError` (writing ``what``) becomes a plain :class:`InputError`
    naming the temporary folder. Use it as a decorator of the functions that write the files."""
    try:
        yield
    except OSError as exc:
        raise InputError(
            f"cannot write {what} in the temporary folder: {exc.strerror or exc}; a build needs room there "
            "for about twice its N-Triples dump (set TMPDIR to a folder with more room)",
            tempfile.gettempdir(),
        ) from None


@contextlib.contextmanager
def folder(prefix: str) -> Iterator[Path]:
    """A new temporary folder, removed on leaving the block (a plain error if it cannot be made)."""
    with writing("a folder"):
        made = tempfile.TemporaryDirectory(prefix=prefix)
    with made as name:
        yield Path(name)
