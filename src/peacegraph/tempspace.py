"""A build's temporary files: the sorted runs of its lines, and its lines set aside while they are
validated. They go where :mod:`tempfile` says (``TMPDIR``); when they cannot be written there (a full
disk, a folder not writable) the build stops with one plain error that says where, and what to do,
instead of a traceback. Nothing of the release is touched by then.

Each goes in a folder of its own, ``peacegraph-*``, which holds an ``flock`` on its ``.owner`` file
for as long as it is used and is removed when the work is done. A build that is killed (SIGKILL,
the out-of-memory killer, a power cut) cannot remove it, and at ten million triples it is 1.6 GB:
so every build first removes the folders of ours that no live process holds (:func:`sweep`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from .errors import InputError

#: What the folders' names begin with, and the lock file in each.
PREFIX: Final = "peacegraph-"
OWNER: Final = ".owner"
#: Seconds a folder is left alone after it is made, whoever holds it: the moment between its
#: lock file being made and locked is never taken for a dead owner.
GRACE: Final = 60.0


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
def folder(name: str, what: str) -> Iterator[Path]:
    """A new temporary folder (``peacegraph-NAME-*``) for ``what``, held by this process and removed on
    leaving the block (a plain error if it cannot be made). It is made as ``.peacegraph-NAME-*`` and
    named once its lock is held, so that a sweep never finds it unheld while it is used."""
    with writing(what):
        making = Path(tempfile.mkdtemp(prefix=f".{PREFIX}{name}-"))
        try:
            owner = os.open(making / OWNER, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
                place = making.with_name(making.name.removeprefix("."))
                os.rename(making, place)
            except OSError:
                os.close(owner)
                raise
        except OSError:
            shutil.rmtree(making, ignore_errors=True)
            raise
    try:
        yield place
    finally:
        _remove(place, making)
        os.close(owner)  # after the folder is gone: a sweep never finds it unheld


def _remove(place: Path, unnamed: Path) -> None:
    """Remove the folder ``place`` this process holds: given back its hidden name first, so that a build
    killed while removing it (its lock file gone, a 1.6 GB file still there) leaves a folder the next
    sweep removes as one never named, not one it cannot tell is ours."""
    try:
        os.rename(place, unnamed)
    except OSError:
        unnamed = place
    shutil.rmtree(unnamed, ignore_errors=True)


def sweep(place: Path | None = None) -> list[str]:
    """Remove the folders of ours in ``place`` (the temporary folder) that no process holds any more:
    those of killed builds. Only real folders of this user with our lock file, older than
    :data:`GRACE`, are considered, and one is removed only under its lock, taken without waiting.
    The names removed."""
    place = Path(tempfile.gettempdir()) if place is None else place
    try:
        with os.scandir(place) as found:
            candidates = [entry.name for entry in found if entry.name.removeprefix(".").startswith(PREFIX)]
    except OSError:
        return []
    return [name for name in sorted(candidates) if _remove_if_abandoned(place / name)]


def _remove_if_abandoned(path: Path) -> bool:
    try:
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        if path.name.startswith("."):  # never named: its maker was killed while making it
            if time.time() - info.st_mtime < GRACE:
                return False
            shutil.rmtree(path)
            return True
        handle = os.open(path / OWNER, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if time.time() - os.fstat(handle).st_mtime < GRACE:
            return False
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by a live build: BlockingIOError
        shutil.rmtree(path)  # never follows a link inside
    except OSError:
        return False
    finally:
        os.close(handle)
    return True
