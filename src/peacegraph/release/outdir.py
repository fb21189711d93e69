"""The release directory (``out/``): its file names, and writing a release into it without loss.

A build only ever replaces the files of a release (:func:`release_names`); everything else in
``out/`` -- a ``.htaccess``, ``.well-known/``, the ``.git`` of a published-site repository -- is
left exactly where it is. A build holds a lock beside ``out/`` from start to end, so two builds
into the same directory run one after the other.

The new release is written in full before anything in ``out/`` changes, then put in place one
of two ways:

- **swap**: when ``out/`` holds nothing but release files, a staging directory beside it gets
  ``out/``'s mode and owner and replaces it by two renames; readers see the old release or the
  new one, never a mix.
- **in place**: when ``out/`` holds anything else, is a mount point, or cannot be renamed (EBUSY),
  the files are staged in a hidden directory inside ``out/`` and renamed over the old ones one by
  one, ``SHA256SUMS`` last. ``out/`` itself and everything else in it stay untouched.

A build killed at any moment leaves a whole release: :func:`recover` (run by the next build, under
the lock) puts back a release set aside by a killed swap, finishes the renames of a killed
in-place replacement whose files were all written, and removes what killed builds left.

Some release files are in a folder (``tables/documents.csv``): :func:`release_folders`. Such a
folder is the release's own, but it is treated like ``out/`` itself: the release files in it are
replaced, and anything else in it stays (a build warns about it). A build never writes through a
link: ``out/tables`` as a symlink or a file is refused before anything is built. A file a
release no longer has is removed only when it bears a release name (:data:`RETIRED_NAMES`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Final

from pyoxigraph import Triple

from ..errors import InputError
from ..rdf import rdfio
from ..rdf.formats import Format

# The file names are in ``files``, which what only reads a release imports instead of this module.
from .files import CFF_FILE as CFF_FILE
from .files import CHECKSUMS_FILE as CHECKSUMS_FILE
from .files import CONTEXT_FILE as CONTEXT_FILE
from .files import DATACITE_FILE as DATACITE_FILE
from .files import DUMP_STEM as DUMP_STEM
from .files import ONTOLOGY_FILE as ONTOLOGY_FILE
from .files import REGIONS_FILE as REGIONS_FILE
from .files import RO_CRATE_FILE as RO_CRATE_FILE
from .files import SCHEMA_ORG_FILE as SCHEMA_ORG_FILE
from .files import SHAPES_FILE as SHAPES_FILE
from .files import VOID_FILE as VOID_FILE
from .files import dump_path as dump_path
from .files import gzip_name as gzip_name
from .tables import TABLES

#: Entries that mark a source tree, which a release never contains: ``--out`` holding one is refused.
SOURCE_MARKERS: Final = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "collection.yaml", "src"})
SOURCE_SUFFIX: Final = ".py"

#: Hidden directories inside ``out/`` while its files are replaced in place (``<prefix><pid>-<random>``).
IN_PLACE_STAGING: Final = ".peacegraph-staging-"
IN_PLACE_READY: Final = ".peacegraph-ready-"

Notify = Callable[[str], None]


def _silent(_message: str) -> None:
    pass


#: Files an earlier version of peacegraph wrote into a release and this one no longer makes (a
#: table dropped, a format retired). A build removes them as it removes the files of the previous
#: release; without its name here such a file is not the build's, and stays. Add a name when the
#: build stops writing it.
RETIRED_NAMES: frozenset[str] = frozenset()


def current_names() -> frozenset[str]:
    """The name of every file this version's release may hold, relative to ``out/`` (``tables/x.csv``)."""
    dumps = {fmt.dump_name(DUMP_STEM) for fmt in Format}
    made = {CONTEXT_FILE, ONTOLOGY_FILE, SHAPES_FILE, VOID_FILE, SCHEMA_ORG_FILE, CHECKSUMS_FILE, REGIONS_FILE}
    cited = {CFF_FILE, DATACITE_FILE, RO_CRATE_FILE}
    tables = {name for table in TABLES for name in (table.file_name, table.metadata_name)}
    return frozenset({*dumps, gzip_name(DUMP_STEM), *made, *cited, *tables})


def release_names() -> frozenset[str]:
    """The name of every file a release holds or held; a build writes, replaces and removes these
    and nothing else."""
    return current_names() | RETIRED_NAMES


def release_folders() -> frozenset[str]:
    """The folders release files are in (``tables``), each of its ancestors too, relative to ``out/``."""
    return frozenset(str(parent) for name in release_names() for parent in Path(name).parents if str(parent) != ".")


# --- where a release may go -------------------------------------------------------------------


def target_of(out: Path) -> Path:
    """The directory the release goes into: ``out``, or the directory a symlink ``out`` points to."""
    try:
        return Path(os.path.abspath(out)).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise InputError(f"--out cannot be resolved: {exc}", out) from None


def check_target(out: Path, seeds: Path | None = None) -> Path:
    """Refuse an ``--out`` that is not a place for a release; return the directory to write into.

    Refused: the file system root; the current directory or one above it; a directory holding the
    collection ``seeds``; a file; a directory holding a collection's or a program's source files
    (:data:`SOURCE_MARKERS`, ``*.py``).
    """
    target = target_of(out)
    if target == Path(target.anchor):
        raise InputError("--out is the root of the file system; give a directory of its own, such as out", out)
    if target == Path.cwd().resolve() or target in Path.cwd().resolve().parents:
        raise InputError(
            "--out is the current directory or above it; a release goes into a directory of its own, such as out",
            out,
        )
    if seeds is not None and _holds(target, target_of(seeds)):
        raise InputError("--out holds the seeds; a release goes into a directory of its own, such as out", out)
    if target.exists() and not target.is_dir():
        raise InputError("--out must be a directory, and this is a file", out)
    if target.is_dir():
        try:
            entries = sorted(os.listdir(target))
        except OSError as exc:
            raise InputError(f"cannot read --out: {exc.strerror or exc}", out) from None
        for entry in entries:
            if entry in SOURCE_MARKERS or entry.endswith(SOURCE_SUFFIX):
                raise InputError(
                    "a release never holds this, so --out looks like a source tree; give a directory of its own",
                    out / entry,
                )
        for folder in sorted(release_folders()):
            _check_folder(target, folder, out / folder)
    return target


def _check_folder(target: Path, folder: str, shown: Path) -> None:
    """A release folder in ``target`` is missing or a real directory, never a link or a file."""
    try:
        mode = os.lstat(target / folder).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"cannot read --out: {exc.strerror or exc}", shown) from None
    if not stat.S_ISDIR(mode):
        what = "a symlink" if stat.S_ISLNK(mode) else "not a directory"
        raise InputError(
            f"a release has its own {folder}/ folder, and this is {what}; a build writes through no link and "
            "replaces nothing it did not write: move it away",
            shown,
        )


def _holds(directory: Path, path: Path) -> bool:
    return path == directory or directory in path.parents


@contextlib.contextmanager
def writing(out: Path, seeds: Path | None = None, notify: Notify = _silent) -> Iterator[Path]:
    """Check ``out``, take its lock and make it whole after a killed build; yield the directory to
    publish into (see :func:`publish`). Everything between reading the previous release in ``out``
    and publishing the new one runs under the lock."""
    target = check_target(out, seeds)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the directory above --out: {exc.strerror or exc}", target.parent) from None
    with locked(target, notify):
        recover(target, notify)
        yield check_target(out, seeds)


# --- the lock ---------------------------------------------------------------------------------


def lock_file(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def locked(target: Path, notify: Notify = _silent) -> Iterator[None]:
    """Hold the lock of ``target``; a second build waits here (and says so) until the first is done.

    The lock is ``flock`` on ``.NAME.lock`` beside ``target``, removed when released. Where nothing
    can be created beside ``target`` (a read-only parent), the directory itself is locked: it is
    then only ever replaced in place, so it stays the same directory.
    """
    try:
        fd = _acquire(lock_file(target), target, notify)
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not target.is_dir():
            raise InputError(f"cannot take the build lock: {exc.strerror}", lock_file(target)) from None
        fd = _acquire_directory(target, notify)
        try:
            yield
        finally:
            os.close(fd)
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_file(target))
        os.close(fd)


def _acquire(path: Path, target: Path, notify: Notify) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        _flock(fd, target, _holder(path), notify)
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # else the build before removed the file while we waited: lock the new one
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            return fd
        os.close(fd)


def _acquire_directory(target: Path, notify: Notify) -> int:
    fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    _flock(fd, target, lambda: "", notify)
    return fd


def _flock(fd: int, target: Path, holder: Callable[[], str], notify: Notify) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        notify(f"another build{holder()} is writing {target}; waiting for it to finish")
        fcntl.flock(fd, fcntl.LOCK_EX)


def _holder(path: Path) -> Callable[[], str]:
    def pid() -> str:
        with contextlib.suppress(OSError, ValueError):
            return f" (pid {int(path.read_text(encoding='ascii').strip())})"
        return ""

    return pid


# --- publishing -------------------------------------------------------------------------------


#: Writes the files of a release into a fresh, empty directory; returns their names (below it).
Write = Callable[[Path], Collection[str]]


def publish(write: Write, target: Path, notify: Notify = _silent) -> dict[str, Path]:
    """Put the release that ``write`` writes in ``target`` (see the module's description); call
    under :func:`locked`. ``write`` is given a staging directory beside ``target`` or inside it.

    Until the files are all written and synced nothing in ``target`` changes. A failure to tidy up
    after the release is in place is reported through ``notify``, not raised: the release is whole.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        names = _swap_in(write, target, notify) if _swappable(target) else None
        if names is None:
            names = _replace_in_place(write, target, notify)
    except OSError as exc:
        raise InputError(f"cannot publish the release: {exc.strerror or exc}", exc.filename or target) from None
    _warn_foreign(target, notify)
    return {name: target / name for name in sorted(names)}


def _swappable(target: Path) -> bool:
    """Whether ``target`` may be replaced as a whole: it holds nothing but release files (in
    release folders that are real directories)."""
    if not target.exists():
        return True
    if os.path.ismount(target):
        return False
    return _only_release_files(target, "")


def _only_release_files(directory: Path, prefix: str) -> bool:
    for entry, name, kind in _entries(directory, prefix):
        if kind is None or (kind == FOLDER and not _only_release_files(Path(entry.path), name + "/")):
            return False
    return True


FILE, FOLDER = "file", "folder"


def _entries(directory: Path, prefix: str) -> list[tuple[os.DirEntry[str], str, str | None]]:
    """What ``directory`` holds, each entry with its name in the release (``prefix`` + its own) and
    whether it is a release ``FILE``, a release ``FOLDER`` (a real directory), or neither (None).
    Links are never followed: a link is neither, whatever its name."""
    names, folders = release_names(), release_folders()
    found: list[tuple[os.DirEntry[str], str, str | None]] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            name = prefix + entry.name
            if name in names and entry.is_file(follow_symlinks=False):
                found.append((entry, name, FILE))
            elif name in folders and entry.is_dir(follow_symlinks=False):
                found.append((entry, name, FOLDER))
            else:
                found.append((entry, name, None))
    return found


def _warn_foreign(target: Path, notify: Notify) -> None:
    """Say what is in a release folder without being a release file: the build leaves it there."""
    names, folders = release_names(), release_folders()
    for folder in sorted(folders):
        with contextlib.suppress(OSError), os.scandir(target / folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = f"{folder}/{entry.name}"
                if name not in names and name not in folders:
                    notify(
                        f"warning: {target / name} is not a file of this release; left as it is "
                        f"(not in {CHECKSUMS_FILE})"
                    )


def _swap_in(write: Write, target: Path, notify: Notify) -> Collection[str] | None:
    """Stage beside ``target`` and swap; the names written, or None (nothing changed) when ``target``
    cannot be renamed."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{_staging_prefix(target)}{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and target.is_dir():
            return None  # nothing can be created beside it
        raise
    try:
        names = _write_all(write, staging)
        _take_mode_and_owner(staging, target)
        if not target.exists():
            os.rename(staging, target)
            return names
        retired = _retired(target)
        if os.path.lexists(retired):
            return None  # a release an earlier build could not remove is still there
        try:
            os.rename(target, retired)
        except OSError as exc:
            if exc.errno in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
                return None  # a mount point, or a directory we may not move
            raise
        try:
            os.rename(staging, target)
        except OSError:
            os.rename(retired, target)
            raise
    finally:
        _remove_ours(staging, notify)
    with _after_the_release(notify):
        _fsync_directory(target.parent)
    _retire(retired, target, notify)
    return names


@contextlib.contextmanager
def _after_the_release(notify: Notify) -> Iterator[None]:
    """Once the new release is in place, an error tidying up is a warning: the release is whole."""
    try:
        yield
    except OSError as exc:
        notify(f"warning: the new release is in place, but tidying up failed: {exc.strerror or exc}")


def _replace_in_place(write: Write, target: Path, notify: Notify) -> Collection[str]:
    target.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{IN_PLACE_STAGING}{os.getpid()}-", dir=target))
    try:
        names = _write_all(write, staging)
        ready = staging.with_name(IN_PLACE_READY + staging.name.removeprefix(IN_PLACE_STAGING))
        os.rename(staging, ready)  # from here on, a killed build's release is finished by recover()
    finally:
        _remove_ours(staging, notify)
    _fsync_directory(target)
    _roll_forward(ready, target, notify)
    with _after_the_release(notify):
        _remove_dropped(names, target)
    return names


def _roll_forward(ready: Path, target: Path, notify: Notify) -> None:
    """Rename every staged file over its old version, ``SHA256SUMS`` last, then remove ``ready``.

    The release folders are made (or found to be real directories) before anything is renamed,
    and synced before ``SHA256SUMS`` goes in."""
    staged = _release_files_in(ready)
    folders = sorted({str(Path(name).parent) for name in staged} - {"."})
    for folder in folders:
        _release_folder(target, folder)
    for name in sorted(staged - {CHECKSUMS_FILE}):
        os.rename(ready / name, target / name)
    for folder in folders:
        _fsync_directory(target / folder)
    if CHECKSUMS_FILE in staged:
        os.rename(ready / CHECKSUMS_FILE, target / CHECKSUMS_FILE)
    with _after_the_release(notify):
        _fsync_directory(target)
        for folder in sorted(release_folders(), key=lambda f: -len(Path(f).parts)):
            if (ready / folder).is_dir() and not (ready / folder).is_symlink():
                os.rmdir(ready / folder)
        os.rmdir(ready)


def _release_files_in(directory: Path, prefix: str = "") -> set[str]:
    """The release files below ``directory`` (a staging directory), by name; links are not followed."""
    found: set[str] = set()
    for entry, name, kind in _entries(directory, prefix):
        if kind == FOLDER:
            found |= _release_files_in(Path(entry.path), name + "/")
        elif kind == FILE:
            found.add(name)
    return found


def _release_folder(target: Path, folder: str) -> None:
    """Make the release folder ``folder`` in ``target``, or find it a real directory; never a link."""
    for part in reversed([folder, *(str(p) for p in Path(folder).parents if str(p) != ".")]):
        with contextlib.suppress(FileExistsError):
            os.mkdir(target / part)
        _check_folder(target, part, target / part)


def _remove_dropped(files: Collection[str], target: Path) -> None:
    """Remove the release files the new release does not have (``datacite.json`` of an issued
    release when a development build follows, a retired table); in place only, after ``SHA256SUMS``."""
    for name in sorted(release_names() - set(files)):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            if stat.S_ISREG(os.lstat(target / name).st_mode) and not _through_a_link(target, name):
                os.unlink(target / name)


def _through_a_link(target: Path, name: str) -> bool:
    return any(os.path.islink(target / parent) for parent in Path(name).parents if str(parent) != ".")


def _write_all(write: Write, directory: Path) -> Collection[str]:
    """Have ``write`` write a release into the fresh ``directory`` (its files synced), then sync the
    directory and its folders; the names written, all of them release files, or a ValueError."""
    names = write(directory)
    unknown = set(names) - current_names()
    if unknown:
        raise ValueError(f"not release files: {sorted(unknown)}")
    folders = {directory, *(directory / name for name in release_folders() if (directory / name).is_dir())}
    for folder in sorted(folders, key=lambda f: -len(f.parts)):
        _fsync_directory(folder)
    return names


def _take_mode_and_owner(staging: Path, target: Path) -> None:
    """The staging directory gets the mode and owner ``target`` has, or 0777 less the umask."""
    if not target.is_dir():
        os.chmod(staging, 0o777 & ~_umask())
        return
    info = target.stat()
    os.chmod(staging, stat.S_IMODE(info.st_mode))
    if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):
            os.chown(staging, info.st_uid, info.st_gid)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _retire(retired: Path, target: Path, notify: Notify) -> None:
    """Remove the release set aside by a swap: its release files only. Anything else that arrived
    in the old directory (or an old release folder) during the build goes back into ``target``."""
    try:
        _retire_in(retired, target, "")
        os.rmdir(retired)
    except OSError as exc:
        notify(
            f"warning: the new release is in place, but the previous one could not be removed from {retired}: "
            f"{exc.strerror or exc}; the next build tries again"
        )


def _retire_in(old: Path, new: Path, prefix: str) -> None:
    """Remove the release files in ``old`` (and its release folders); move anything else into
    ``new`` when that is a real directory without it, else leave it (and ``old``) there."""
    movable = _is_real_dir(new)
    for entry, name, kind in _entries(old, prefix):
        if kind == FILE:
            os.unlink(entry.path)
        elif kind == FOLDER:
            _retire_in(Path(entry.path), new / entry.name, name + "/")
            os.rmdir(entry.path)
        elif movable and not os.path.lexists(new / entry.name):
            os.rename(entry.path, new / entry.name)


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _remove_ours(directory: Path, notify: Notify) -> None:
    """Remove a staging directory: the release files written into it (release folders too), then
    the directory. Anything else stays, and the directory with it."""
    if not _is_real_dir(directory):
        return
    try:
        _remove_release_files(directory, "")
        os.rmdir(directory)
    except OSError as exc:
        notify(f"warning: could not remove {directory}: {exc.strerror or exc}")


def _remove_release_files(directory: Path, prefix: str) -> None:
    for entry, name, kind in _entries(directory, prefix):
        if kind == FILE:
            os.unlink(entry.path)
        elif kind == FOLDER:
            _remove_release_files(Path(entry.path), name + "/")
            os.rmdir(entry.path)


# --- after a killed build ---------------------------------------------------------------------


def recover(out: Path, notify: Notify = _silent) -> bool:
    """Make ``out`` whole after a killed build; True if a release set aside by a swap was put back.

    Puts back the previous release if a build was killed between the two renames of a swap,
    finishes the renames of an in-place replacement whose files were all written, and removes what
    killed builds left (staging directories whose process is gone, a release set aside). Never
    raises anything but :class:`InputError`, and that only when a release cannot be made whole.
    """
    target = target_of(out)
    try:
        restored = _put_back(target)
    except OSError as exc:
        raise InputError(
            f"cannot put back the release a killed build set aside: {exc.strerror or exc}", _retired(target)
        ) from None
    try:
        _finish_in_place(target, notify)
    except OSError as exc:
        raise InputError(f"cannot finish the release a killed build left: {exc.strerror or exc}", target) from None
    try:
        _tidy(target, notify)
    except OSError as exc:
        notify(f"warning: could not tidy up after a killed build beside {target}: {exc.strerror or exc}")
    return restored


def _put_back(target: Path) -> bool:
    retired = _retired(target)
    if not retired.is_dir() or retired.is_symlink():
        return False
    if os.path.lexists(target):
        return False  # the swap finished; _tidy removes what is left of the old release
    os.rename(retired, target)
    return True


def _finish_in_place(target: Path, notify: Notify) -> None:
    if not target.is_dir():
        return
    for entry in _ours(target, IN_PLACE_READY):
        _roll_forward(entry, target, notify)


def _tidy(target: Path, notify: Notify) -> None:
    retired = _retired(target)
    if retired.is_dir() and not retired.is_symlink() and target.is_dir():
        _retire(retired, target, notify)
    for staging in _ours(target.parent, _staging_prefix(target)):
        _remove_ours(staging, notify)
    if target.is_dir():
        for staging in _ours(target, IN_PLACE_STAGING):
            _remove_ours(staging, notify)


def _ours(directory: Path, prefix: str) -> list[Path]:
    """Directories named ``<prefix><pid>-...`` in ``directory`` whose process is gone."""
    found = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in list(entries):
            pid = entry.name.removeprefix(prefix).split("-", 1)[0]
            ours = entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False) and pid.isdigit()
            if ours and not _alive(int(pid)):
                found.append(Path(entry.path))
    return sorted(found)


def _retired(target: Path) -> Path:
    return target.with_name(f".{target.name}.previous")


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.staging-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


# --- reading a built release ------------------------------------------------------------------


def read_dumps(out: Path, fmt: Format = Format.NTRIPLES) -> list[Triple]:
    return rdfio.read_triples(dump_path(out, fmt), fmt.oxigraph)
