"""What a build keeps for the next build into the same release folder, so that a rebuild after a small
change redoes only what the change touches.

Each stage that can reuse its work keeps a folder of its own (:class:`Stage`): the next build's stage
reads the last one's (``previous``, with ``previous_lines``, the N-Triples dump the last build wrote)
and writes a new one (``fresh``). What a stage keeps is a means, never a source of truth: a stage
that finds it damaged does the full work, and its output is always what a full build gives.

A keep lives outside the release, in the cache (:func:`.stamps.cache_home`), under a folder named
for the release folder it belongs to; inside, a keep is named by the SHA-256 of the N-Triples dump of
the release it was made with, and holds a manifest written last. A build uses the keep of the dump
now in ``out/`` (checked against ``SHA256SUMS`` by the identifiers stage), and only if the manifest
says it was made by the same tool (version and source files), Oxigraph, ontology, shapes and
collection configuration: anything else, and every stage does the full work. The new keep is
written beside, named once the release is published, and the others are then removed: all under
the build's lock of ``out/``, so no two builds share a keep. Where no cache can be written (a
read-only home, a full disk), a build keeps nothing and is a full build the next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyoxigraph

from .. import __version__, stamps
from . import previous

#: The folder (under the cache home) of the keeps of every release folder.
BUILDS: Final = "builds"
MANIFEST: Final = "manifest.json"
#: The stamps of the files of the release a keep was made with (:meth:`Keep.finish`), in the keep.
STAMPS: Final = "stamps.json"
#: What a keep being written is called until its build is published (removed if that build was killed).
WRITING: Final = ".writing-"


@dataclass(frozen=True)
class Stage:
    """A stage's share of the keep: what it kept last time, the graph it was kept for, and where to keep anew."""

    #: The folder the stage wrote during the last build (read only; None: do the full work).
    previous: Path | None = None
    #: The canonical N-Triples of the last build, with ``previous``.
    previous_lines: Path | None = None
    #: An empty folder for what the next build will need (None: keep nothing).
    fresh: Path | None = None
    #: The SHA-256 of the files of the release in ``out/`` as this build checked them, by device and inode
    #: (``previous_lines`` is one; what the last build kept may be hard links to others).
    known: Mapping[tuple[int, int], str] = field(default_factory=dict)


#: A stage that has nothing kept and keeps nothing (``peacegraph check``, a build with no cache).
NOTHING: Final = Stage()


def fingerprint(*inputs: Path) -> str:
    """What must be the same for a keep to be used: this tool (its version and the stamp of each of its
    files, which an edit changes), Oxigraph's version, and the bytes of ``inputs`` (the ontology,
    the shapes, the collection's configuration)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(path for path in package.rglob("*") if "__pycache__" not in path.parts and path.is_file()):
        status = source.stat()
        digest.update(f"{source.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}\n".encode())
    digest.update(f"peacegraph=={__version__}\npyoxigraph=={pyoxigraph.__version__}\n".encode())
    for path in inputs:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Keep:
    """The keeps of one release folder (``out``), for a build made with ``fingerprint``."""

    def __init__(
        self, out: Path, fingerprint: str, home: Path | None = None, known: Mapping[tuple[int, int], str] | None = None
    ):
        self.home = _home(out, home)
        self.fingerprint = fingerprint
        self.previous: Path | None = None
        self.previous_lines: Path | None = None
        self.fresh: Path | None = None
        self.known = dict(known or {})

    def start(self, dump: Path | None, digest: str | None) -> None:
        """Find the keep made with the release whose N-Triples ``dump`` (now in ``out/``) has SHA-256
        ``digest``, and make a fresh one to write; a keep that cannot be made is none."""
        self._tidy()
        if dump is not None and digest is not None and self._made_here(self.home / digest):
            self.previous, self.previous_lines = self.home / digest, dump
        with contextlib.suppress(OSError):
            self.home.mkdir(parents=True, exist_ok=True)
            self.fresh = Path(tempfile.mkdtemp(prefix=WRITING, dir=self.home))

    def stage(self, name: str) -> Stage:
        """The share of the stage ``name``; asked again (a release written twice: see :func:`.outdir.publish`),
        its fresh folder is emptied."""
        fresh = None
        if self.fresh is not None:
            try:
                fresh = self.fresh / name
                _remove(fresh)
                fresh.mkdir()
            except OSError:
                fresh = None
        previous = self.previous / name if self.previous is not None and (self.previous / name).is_dir() else None
        return Stage(previous, self.previous_lines if previous else None, fresh, self.known if previous else {})

    def finish(self, digest: str | None, out: Path | None = None) -> None:
        """The release whose dump has SHA-256 ``digest`` is published (in ``out``): name the fresh keep for
        it, note in it the stamps of the release's files (:func:`release_stamps`), and remove the other
        keeps (a keep that cannot be written is dropped: the next build is a full one)."""
        if digest is None:
            self.drop()
        if self.fresh is None or digest is None:
            return
        named = self.home / digest
        try:
            (self.fresh / MANIFEST).write_text(json.dumps({"fingerprint": self.fingerprint}), encoding="utf-8")
            _remove(named)
            os.replace(self.fresh, named)
        except OSError:
            _remove(self.fresh)
        self.fresh = None
        self._tidy(but=digest)
        if out is not None:  # last: the stamps of files no later step of the build links or renames
            _note_stamps(out, named)

    def drop(self) -> None:
        """The build failed: what it began to keep goes (the last keep stays, for the release still in ``out/``)."""
        if self.fresh is not None:
            _remove(self.fresh)
            self.fresh = None

    def _made_here(self, folder: Path) -> bool:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(manifest, dict) and manifest.get("fingerprint") == self.fingerprint

    def _tidy(self, but: str | None = None) -> None:
        """Remove what killed builds began to keep, and (``but`` given) every keep but that one."""
        for entry in _entries(self.home):
            if entry.name.startswith(WRITING) or (but is not None and entry.name != but):
                _remove(Path(entry.path))


def _home(out: Path, home: Path | None = None) -> Path:
    """The folder of the keeps of the release folder ``out`` (under ``home``, by default the cache home)."""
    where = hashlib.sha256(str(Path(out).absolute()).encode()).hexdigest()[:32]
    return Path(home or stamps.cache_home()) / BUILDS / where


def _note_stamps(out: Path, folder: Path) -> None:
    """Note in the keep ``folder`` the stamp and SHA-256 of each file of the release in ``out``, so that the
    next build checks it against its ``SHA256SUMS`` without reading again the files that are as they were
    (:func:`.previous.check_directory`)."""
    rows = [[*stamp, digest] for stamp, digest in sorted(previous.stamps(out).items())]
    with contextlib.suppress(OSError):
        handle, name = tempfile.mkstemp(prefix=WRITING, dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"stamps": rows}, file)
            os.replace(name, folder / STAMPS)
        except OSError:
            _remove(Path(name))


def release_stamps(out: Path, home: Path | None = None) -> dict[previous.Stamp, str]:
    """The stamps the keep of the release now in ``out`` noted of its files, with their SHA-256 (nothing if
    there is no such keep or it cannot be read); the keep is the one named by the dump's listed SHA-256."""
    listed = previous.listed_digest(Path(out) / previous.DUMP)
    if listed is None:
        return {}
    try:
        rows = json.loads((_home(out, home) / listed / STAMPS).read_text(encoding="utf-8"))["stamps"]
        return {
            (dev, ino, size, mtime, ctime): digest
            for dev, ino, size, mtime, ctime, digest in rows
            if all(isinstance(n, int) for n in (dev, ino, size, mtime, ctime)) and isinstance(digest, str)
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _entries(folder: Path) -> Iterable[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _remove(path: Path) -> None:
    """Remove a keep (only ever one this module named), never following a link out of it."""
    with contextlib.suppress(OSError):
        if path.is_symlink() or path.is_file():
            path.unlink()
        else:
            shutil.rmtree(path)


@contextlib.contextmanager
def kept(keep: Keep | None) -> Iterator[None]:
    """While a build runs: what it began to keep is dropped if it fails."""
    try:
        yield
    except BaseException:
        if keep is not None:
            keep.drop()
        raise
