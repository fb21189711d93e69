"""The on-disk Oxigraph store of a release, kept between runs and found without reading the release.

A store is built once per content of the dump (and of the ontology, when it is included), under
the SHA-256 of that content in :func:`cache_home`, outside the release: ``out/`` and its checksums
are never touched, and a read-only release is served all the same. It is built in a temporary
directory and renamed into place, so a concurrent run or a kill never leaves half a store where a
reader looks (what a killed run left is removed a day later), and a changed dump gets a store of
its own.

Hashing a dump reads all of it (160 MB at a million triples), so a run first looks for the
*stamp* of the files: device, inode, size, and modification and change times in nanoseconds.
Writing a file changes its change time, which no user can set back, so a stamp seen before means
the content hashed then. A stamp is recorded only once the files have not changed for
:data:`SETTLED_SECONDS` (a file system whose clock ticks coarsely could otherwise change a file
twice within one tick), and only when they did not change while they were hashed. Anything else
(a new stamp, a store gone from the cache) is the full check: hash, then build if need be.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Final

from pyoxigraph import Quad, RdfFormat, Store

from ..errors import InputError
from ..records import known
from ..records.known import cache_home as cache_home
from ..release.files import ONTOLOGY_FILE, dump_path
from . import keeping

# Only building a store, or loading a release into memory, needs ``hashlib``, ``tempfile``, ``shutil``
# and ``rdfio``: each is imported where it is used, so that a query over a store already built starts
# with less.

SETTLED_SECONDS: Final = 2.0
ABANDONED_SECONDS: Final = 24 * 3600
BUILDING: Final = ".building-"
STAMPS: Final = "stamps"
#: A dump smaller than this (about 100,000 triples, loaded in a fraction of a second) is served from memory.
IN_MEMORY_BYTES: Final = 16 * 2**20


def sources(out: Path, ontology: bool) -> list[Path]:
    """The files a store is built from: the N-Triples dump, and the ontology when asked for and there."""
    files = [dump_path(out)]
    if ontology and (Path(out) / ONTOLOGY_FILE).exists():
        files.append(Path(out) / ONTOLOGY_FILE)
    return files


def open_cached(out: Path, ontology: bool = False) -> Store:
    """A read-only on-disk store of the release in ``out`` (and its ontology, if asked), built once per content;
    in memory where no cache can be kept."""
    return open_folder(out, store_folder(out, ontology), ontology)


def store_folder(out: Path, ontology: bool = False) -> Path | None:
    """The folder of the on-disk store of the release in ``out``, built if need be and held (not removed)
    while this process runs; ``None`` where no cache can be kept (a read-only home, a full disk)."""
    files = sources(Path(out), ontology)
    suffix = keeping.ONTOLOGY_SUFFIX if ontology else ""
    home = cache_home()
    stamp = _stamp(files)
    stamp_file = home / STAMPS / (stamp + suffix)
    name = _recorded(stamp_file)
    try:
        if name is not None and keeping.hold(home, name):
            return home / name  # the release was recorded as needing it when its stamp was
        name = _digest(files) + suffix
        if not keeping.hold(home, name):
            _build(files, home / name)
        if _stamp(files) == stamp and _settled(files):
            _record(stamp_file, name)
        _keep(home, keeping.release_key(out, suffix), name)
    except OSError:
        return None
    return home / name


def recorded(out: Path, ontology: bool = False) -> str | None:
    """The store the present stamp of the release's files is recorded for (found without reading them), if any."""
    suffix = keeping.ONTOLOGY_SUFFIX if ontology else ""
    return _recorded(cache_home() / STAMPS / (_stamp(sources(Path(out), ontology)) + suffix))


def _keep(home: Path, key: str, name: str) -> None:
    """Record ``name`` as the store of a release; if it had another, remove the stores no release needs now."""
    if keeping.recorded(home, key) == name:
        return
    _record(home / keeping.RELEASES / key, name)
    removed = set(keeping.sweep(home))
    for entry in keeping.entries(home / STAMPS) if removed else ():
        if _recorded(Path(entry.path)) in removed:
            os.unlink(entry.path)


def serving_folder(out: Path, ontology: bool = False) -> Path | None:
    """Where a server reads the release from: its on-disk store for a large release, which opens at
    once whatever its size and is shared by every process; ``None`` (each process loads the dumps into
    memory, where queries run several times faster) below :data:`IN_MEMORY_BYTES`."""
    if dump_path(out).stat().st_size < IN_MEMORY_BYTES:
        return None
    return store_folder(out, ontology)


def open_folder(out: Path, folder: Path | None, ontology: bool = False) -> Store:
    """The on-disk store in ``folder``, read-only; with no folder, the release's dumps in memory."""
    return in_memory(sources(Path(out), ontology)) if folder is None else Store.read_only(str(folder))


def in_memory(files: list[Path]) -> Store:
    """A store in memory holding ``files`` (the dump first, then the ontology in Turtle)."""
    st = Store()
    st.bulk_extend(_quads(files))
    return st


def _quads(files: list[Path]) -> list[Quad]:
    from ..rdf import rdfio

    dump, *rest = files
    triples = rdfio.read_triples(dump, RdfFormat.N_TRIPLES)
    for path in rest:
        triples += rdfio.read_triples(path, RdfFormat.TURTLE)
    return [Quad(t.subject, t.predicate, t.object) for t in triples]


def _stamp(files: list[Path]) -> str:
    return known.stamp_of(files)


def _settled(files: list[Path]) -> bool:
    return known.settled(files, SETTLED_SECONDS)


def _digest(files: list[Path]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as handle:
            hashlib.file_digest(handle, lambda: digest)
    return digest.hexdigest()


def _recorded(stamp_file: Path) -> str | None:
    """The store a stamp was recorded for, if any (anything unexpected in the file counts as none)."""
    try:
        name = stamp_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if keeping.is_store_name(name) else None


def _record(stamp_file: Path, name: str) -> None:
    known.write_whole(stamp_file, name + "\n")


def _build(files: list[Path], place: Path) -> None:
    import shutil
    import tempfile

    place.parent.mkdir(parents=True, exist_ok=True)
    _sweep(place.parent)
    building = Path(tempfile.mkdtemp(prefix=BUILDING, dir=place.parent))
    try:
        _fill(Store(str(building / "store")), files)
        keeping.hold(place.parent, place.name)  # before it is in place: no sweep takes it from under us
        os.replace(building / "store", place)
    except OSError:
        if not place.is_dir():  # a concurrent run that won the rename is fine
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _fill(st: Store, files: list[Path]) -> None:
    """Load the dump straight from its file (never held in memory whole), then the ontology."""
    from ..rdf import rdfio

    dump, *rest = files
    try:
        st.bulk_load(path=dump, format=RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise InputError(f"invalid N_TRIPLES: {exc.msg}", dump, exc.lineno) from None
    for path in rest:
        st.bulk_extend(Quad(t.subject, t.predicate, t.object) for t in rdfio.read_triples(path, RdfFormat.TURTLE))
    st.flush()


def _sweep(home: Path) -> None:
    """Remove what runs killed while building (or removing a store) left behind, once it is old enough to be
    no one's work."""
    import shutil

    for entry in [*home.glob(BUILDING + "*"), *home.glob(keeping.PRUNING + "*")]:
        try:
            if time.time() - entry.stat().st_mtime > ABANDONED_SECONDS:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        except OSError:
            continue
