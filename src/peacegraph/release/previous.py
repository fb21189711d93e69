"""The previous release, checked against its own ``SHA256SUMS`` before it is trusted.

The identifier guard compares a new release with the previous one; a damaged previous release
must stop it, never pass for "no previous release". So a release directory is taken only when
its ``SHA256SUMS`` lists the N-Triples dump and every file it lists is there with that SHA-256.
A dump file given on its own is checked the same way when a ``SHA256SUMS`` beside it lists it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from ..errors import InputError
from .metadata import CHECKSUMS_FILE
from .outdir import DUMP_STEM, release_names

DUMP: Final = f"{DUMP_STEM}.nt"
#: One line of ``sha256sum`` output: text (two spaces) or binary (`` *``) mode; a name may have
#: folders (``tables/documents.csv``), checked by :func:`_below`.
_LINE: Final = re.compile(r"([0-9a-f]{64}) [ *]([^\x00]+)")
_RESTORE: Final = "restore it (e.g. `git checkout -- out`) or name another with --previous"

#: The SHA-256 (hex) of a file of a release by name, or None when the release has no such file.
Digest = Callable[[str], str | None]


def parse_sums(data: bytes, where: Path | str) -> dict[str, str]:
    """``SHA256SUMS`` as {file name: hex digest}; refuses lines that are not checksum lines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not a checksum list (not UTF-8)", where) from None
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.fullmatch(line)
        if not match or not _below(match.group(2)):
            raise InputError("not a `sha256sum` line of a file in this directory", where, number)
        sums[match.group(2)] = match.group(1)
    return sums


def _below(name: str) -> bool:
    """A relative name that stays in the directory: no leading ``/``, no empty, ``.`` or ``..`` part."""
    return all(part not in ("", ".", "..") for part in name.split("/"))


def check(sums: dict[str, str], digest: Digest, where: Callable[[str], str]) -> None:
    """Every file ``sums`` lists has that SHA-256, and the dump is among them."""
    if DUMP not in sums:
        raise InputError(
            f"{CHECKSUMS_FILE} does not list {DUMP}, so the previous release cannot be checked", where(CHECKSUMS_FILE)
        )
    for name, expected in sorted(sums.items()):
        found = digest(name)
        if found is None:
            raise InputError(
                f"missing, though {CHECKSUMS_FILE} lists it: the previous release is damaged; {_RESTORE}", where(name)
            )
        if found != expected:
            raise InputError(
                f"SHA-256 differs from {CHECKSUMS_FILE}: the previous release is damaged; {_RESTORE}", where(name)
            )


#: The SHA-256 of files read, by their device and inode (a file hashed once need not be hashed again
#: within a build: a hard link to it is the same file).
Seen = dict[tuple[int, int], str]
#: What ``stat`` says of a file: device, inode, size, and the times of its last change of content
#: (mtime) and of anything (ctime, which no program can set back), in nanoseconds.
Stamp = tuple[int, int, int, int, int]
#: The SHA-256 of files as the build that wrote them knew it, by their stamps then (see :func:`stamp_of`).
Known = Mapping[Stamp, str]


def stamp_of(status: os.stat_result) -> Stamp:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _file_digest(path: Path, seen: Seen | None = None, known: Known | None = None) -> str | None:
    """The SHA-256 of a file (None: no such file): as ``known`` has it if the file's stamp is the one
    it was known by (nothing has written to it, renamed it or changed its links since), else read."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    digest = known.get(stamp_of(status)) if known else None
    if digest is None:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            status = os.fstat(handle.fileno())
    if seen is not None:
        seen[(status.st_dev, status.st_ino)] = digest
    return digest


def check_directory(directory: Path, seen: Seen | None = None, known: Known | None = None) -> Path:
    """The dump of the release in ``directory``, once all of it matches its ``SHA256SUMS``; ``seen`` gets
    the SHA-256 of each file, by its device and inode; a file whose stamp ``known`` has is not read."""
    sums_file = directory / CHECKSUMS_FILE
    if not sums_file.is_file():
        raise InputError(f"missing, so the previous release here cannot be checked; {_RESTORE}", sums_file)
    sums = parse_sums(sums_file.read_bytes(), sums_file)
    check(sums, lambda name: _file_digest(directory / name, seen, known), lambda name: str(directory / name))
    return directory / DUMP


def stamps(directory: Path) -> dict[Stamp, str]:
    """The stamp of each file the ``SHA256SUMS`` of ``directory`` lists, with the SHA-256 listed (the
    release a build has just written: the next build need not read it again while the stamps hold)."""
    sums_file = directory / CHECKSUMS_FILE
    try:
        sums = parse_sums(sums_file.read_bytes(), sums_file)
    except (OSError, InputError):
        return {}
    found = {}
    for name, digest in sums.items():
        with contextlib.suppress(OSError):
            found[stamp_of((directory / name).stat())] = digest
    return found


def check_dump(dump: Path) -> Path:
    """A dump given on its own: checked against a ``SHA256SUMS`` beside it that lists it."""
    sums_file = dump.parent / CHECKSUMS_FILE
    if sums_file.is_file():
        sums = parse_sums(sums_file.read_bytes(), sums_file)
        if dump.name in sums and _file_digest(dump) != sums[dump.name]:
            raise InputError(f"SHA-256 differs from {sums_file}: the previous release is damaged; {_RESTORE}", dump)
    return dump


def given(path: Path) -> Path:
    """The dump of a previous release named by the user (``--previous``, ``diff``, ``--since``)."""
    if not path.exists():
        raise InputError("no such previous release (give a release directory or an N-Triples dump)", path)
    if path.is_dir():
        if not (path / DUMP).exists() and not (path / CHECKSUMS_FILE).exists():
            raise InputError(f"not a release: no {DUMP} or {CHECKSUMS_FILE} here", path)
        return check_directory(path)
    return check_dump(path)


def listed_digest(dump: Path) -> str | None:
    """The SHA-256 that the ``SHA256SUMS`` beside ``dump`` lists for it (None: none listed, or no such file)."""
    sums_file = dump.parent / CHECKSUMS_FILE
    try:
        return parse_sums(sums_file.read_bytes(), sums_file).get(dump.name)
    except (OSError, InputError):
        return None


def in_out(out: Path, seen: Seen | None = None, known: Known | None = None) -> Path | None:
    """The dump of the release in ``out``, or None when ``out`` holds no release at all (a first build);
    ``seen`` gets the SHA-256 of each of its files (:func:`check_directory`, with ``known``)."""
    if not out.is_dir():
        return None
    if not any((out / name).exists() or (out / name).is_symlink() for name in release_names()):
        return None
    return check_directory(out, seen, known)
