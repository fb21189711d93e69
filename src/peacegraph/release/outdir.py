"""The release directory (``out/``): its file names, and writing a release into it without loss.

A release is written into a staging directory beside ``out`` and swapped into place; nothing here
knows how the files were made.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Triple

from ..errors import InputError
from ..rdf import rdfio
from ..rdf.formats import Format

DUMP_STEM = "peacegraph"
CONTEXT_FILE = "context.jsonld"
ONTOLOGY_FILE = "ontology.ttl"
SHAPES_FILE = "shapes.ttl"


def prepare_out(out: Path) -> None:
    """Before anything else: put back a release a killed build left aside, and refuse a file as ``out``."""
    recover(out)
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a directory, and this is a file", out)


def publish(files: dict[str, bytes], out: Path) -> dict[str, Path]:
    """Write ``files`` into a staging directory beside ``out`` and swap it into place.

    Until the final rename the previous ``out/`` is untouched; a build that fails or is killed
    earlier leaves it exactly as it was (and at worst a stray staging directory).
    """
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{_staging_prefix(out)}{os.getpid()}-", dir=out.parent))
        try:
            for name, data in sorted(files.items()):
                _write(staging, name, data)
            _keep_unmanaged(out, staging, files)
            _swap(staging, out)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    except OSError as exc:
        raise InputError(f"cannot publish the release: {exc.strerror or exc}", exc.filename or out) from None
    return {name: out / name for name in files}


def _write(staging: Path, name: str, data: bytes) -> None:
    """Write one file of the release; a name may have folders (``tables/documents.csv``), made fresh."""
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a file name below out/: {name!r}")
    path = staging.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _keep_unmanaged(out: Path, staging: Path, files: Iterable[str]) -> None:
    """Carry over files in ``out/`` that the build does not write (e.g. a README or a site).

    A folder the build writes into (``tables/``) belongs to the build: it is written whole, and
    nothing of the previous one is carried over.
    """
    if not out.is_dir():
        return
    managed = {name.split("/", 1)[0] for name in files}
    for entry in out.iterdir():
        if entry.name not in managed and not entry.name.startswith("."):
            target = staging / entry.name
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True)
            else:
                shutil.copy2(entry, target, follow_symlinks=False)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    retired = out.with_name(f".{out.name}.previous")
    if retired.exists():
        shutil.rmtree(retired)
    os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired)


def recover(out: Path) -> bool:
    """Put the previous release back if a build was killed between the two renames of a swap.

    Also removes what killed builds left beside ``out``: the previous release once ``out`` is whole
    again, and staging directories whose process is gone.
    """
    retired = out.with_name(f".{out.name}.previous")
    restored = retired.exists() and not out.exists()
    if restored:
        os.rename(retired, out)
    elif retired.exists():
        shutil.rmtree(retired, ignore_errors=True)
    for staging in out.parent.glob(f"{_staging_prefix(out)}*"):
        pid = staging.name.removeprefix(_staging_prefix(out)).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)
    return restored


def _staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dump_path(out: Path, fmt: Format = Format.NTRIPLES) -> Path:
    """The dump of a built release in ``fmt``, or an error telling the user to build first."""
    path = Path(out) / fmt.dump_name(DUMP_STEM)
    if not path.exists():
        raise InputError("no dump here; run `peacegraph build` first", path)
    return path


def read_dumps(out: Path, fmt: Format = Format.NTRIPLES) -> list[Triple]:
    return rdfio.read_triples(dump_path(out, fmt), fmt.oxigraph)
