"""Which stores the cache keeps: one per release (and per variant, with or without the ontology).

Each release folder has a *record* in ``releases/`` naming the store it was last found to need
(keyed by the SHA-256 of its real path). When a release's dump changes, its new store is recorded
and every store that no record names any more is removed, safely:

- only stores this module marked as its own, by their lock file in ``locks/`` (made when the store
  is built or first used): a folder merely named like a store is left alone;
- never through a symbolic link: an entry that is a link is never removed nor followed
  (``shutil.rmtree`` removes a tree without following the links in it);
- never while another process uses it: a process that opens a store holds a shared ``flock`` on its
  lock file for as long as it runs (``peacegraph serve`` for hours, ``query`` for one run), and a
  store is removed only under an exclusive lock taken without waiting. One in use is left for a
  later sweep (the next time any release's dump changes). A store is first renamed out of the way,
  so no process finds it half-removed; one that was waiting for its lock sees it gone and rebuilds.
"""

from __future__ import annotations

import fcntl
import os
import stat

# The quick start of ``peacegraph query`` holds its store with :func:`hold`: paths are plain strings
# there, and ``pathlib``, ``typing`` and ``re`` are not imported.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Final

LOCKS: Final = "locks"
RELEASES: Final = "releases"
PRUNING: Final = ".pruning-"
#: What a store's name ends with when the ontology is in it too.
ONTOLOGY_SUFFIX: Final = "-ontology"
_HEX: Final = frozenset("0123456789abcdef")

#: The lock files this process holds shared, open for as long as it runs.
_held: dict[str, int] = {}


def is_store_name(name: str) -> bool:
    """Whether ``name`` is a store's: a SHA-256 in hexadecimal, then ``-ontology`` or nothing (no ``re``: the
    quick start of a query imports this module)."""
    digest = name.removesuffix(ONTOLOGY_SUFFIX)
    return len(digest) == 64 and _HEX.issuperset(digest)


def hold(home: Path | str, name: str) -> bool:
    """Hold the store ``home/name`` shared (it is not removed while this process runs); whether it is there."""
    lock = os.path.join(home, LOCKS, name)
    if lock not in _held:
        os.makedirs(os.path.dirname(lock), exist_ok=True)
        handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        fcntl.flock(handle, fcntl.LOCK_SH)  # waits while a sweep removes it (then it is gone: built again)
        _held[lock] = handle
    store = os.path.join(home, name)
    return os.path.isdir(store) and not os.path.islink(store)


def release_key(out: Path, suffix: str) -> str:
    """The name of a release folder's record: the same for every way of writing its path."""
    import hashlib

    return hashlib.sha256((os.path.realpath(out) + suffix).encode()).hexdigest()


def recorded(home: Path, key: str) -> str | None:
    """The store a release's record names, if any (anything unexpected in it counts as none)."""
    try:
        name = (home / RELEASES / key).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if is_store_name(name) else None


def sweep(home: Path) -> list[str]:
    """Remove every store of ours that no release's record names and no process holds; the names removed."""
    named = {recorded(home, entry.name) for entry in entries(home / RELEASES)}
    stale = [entry.name for entry in entries(home) if is_store_name(entry.name) and entry.name not in named]
    return [name for name in stale if _ours(home, name) and _remove(home, name)]


def entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _ours(home: Path, name: str) -> bool:
    """A real folder (not a link) with our lock file beside it."""
    try:
        folder, lock = os.lstat(home / name), os.lstat(home / LOCKS / name)
    except OSError:
        return False
    return stat.S_ISDIR(folder.st_mode) and stat.S_ISREG(lock.st_mode)


def _remove(home: Path, name: str) -> bool:
    """Remove one store if no process holds it: renamed away first, then deleted, then its lock."""
    import shutil
    import tempfile
    from pathlib import Path

    lock = home / LOCKS / name
    try:
        handle = os.open(lock, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if not _ours(home, name):
            return False
        away = Path(tempfile.mkdtemp(prefix=PRUNING, dir=home))
        os.replace(home / name, away / "store")
        shutil.rmtree(away)
        os.unlink(lock)
    except OSError:  # held by another process (BlockingIOError), or gone meanwhile
        return False
    finally:
        os.close(handle)
    return True
