"""How much peacegraph reads, and how it reads a file without trusting it.

Every input is capped before it is parsed, so that a hostile or broken file fails fast, in
bounded memory, with an :class:`InputError` instead of exhausting the machine. The caps are far
above what the curated seeds need (the largest record file is ~130 KB and ~5,600 YAML nodes,
the largest seed text ~70 KB, the dumps ~3 MB); ``bench/hostile.py`` measures the worst cases.

Two caps grow with a collection rather than with one file: the YAML nodes of all record files
together, and the bytes of an RDF file read back (a dump of the previous release). Their defaults
hold a collection of about four and three million triples; a larger collection raises them
(:data:`RECORD_NODES`, :data:`RDF_BYTES`) in the environment of whoever runs peacegraph, never
in the collection's own files, which may be the hostile input. The error says which to raise.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from ..errors import InputError

MIB: Final = 2**20

#: A record file (YAML): bytes, nodes (scalars, mappings, sequences) and nesting depth.
MAX_RECORD_BYTES: Final = 4 * MIB
MAX_YAML_NODES: Final = 50_000
MAX_DEPTH: Final = 32
#: Nodes of all record files together (the seeds hold ~16,000; a corpus of a million triples,
#: the scale ``bench/run.py`` measures, ~530,000).
MAX_TOTAL_YAML_NODES: Final = 2_000_000
#: A seed text that records quote from.
MAX_SOURCE_BYTES: Final = 16 * MIB
#: ``seeds/wikidata.csv``.
MAX_TABLE_BYTES: Final = 8 * MIB
#: An RDF file read whole (the ontology, the shapes, a dump compared by ``diff``). A rebuild reads the
#: previous release's N-Triples a line at a time to check that identifiers are kept, uncapped.
MAX_RDF_BYTES: Final = 512 * MIB


@dataclass(frozen=True)
class Setting:
    """A cap that an honest large collection may need raised, from an environment variable."""

    variable: str
    default: int

    def value(self) -> int:
        raw = os.environ.get(self.variable)
        if raw is None:
            return self.default
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise InputError(f"{self.variable} must be a positive whole number, not {raw[:40]!r}")
        return number

    def advice(self) -> str:
        """What to tell a user who hit the cap."""
        return f"a cap against hostile input; for a larger collection, set {self.variable} higher"


RECORD_NODES: Final = Setting("PEACEGRAPH_MAX_RECORD_NODES", MAX_TOTAL_YAML_NODES)
RDF_BYTES: Final = Setting("PEACEGRAPH_MAX_RDF_BYTES", MAX_RDF_BYTES)

#: A SPARQL query read from a file (``query -f``).
MAX_QUERY_BYTES: Final = 1 * MIB
#: Nesting depth of a JSON-LD document read back.
MAX_JSON_DEPTH: Final = 64

_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)


def open_regular(path: Path, *, file: Path | str, line: int | None = None) -> BinaryIO:
    """``path`` open for reading, refused without being read if it is not a regular file (a FIFO, a
    device or a directory could block or never end); errors name ``file`` and ``line``."""
    name = Path(path).name
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror}", file, line) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(f"{name} is not a regular file", file, line)
    return os.fdopen(fd, "rb")


def read_bounded(path: Path, limit: int, *, file: Path | str, line: int | None = None, advice: str = "") -> bytes:
    """The bytes of the regular file ``path``, refused if it holds more than ``limit`` bytes.

    Errors name ``file`` and ``line`` (where the file was referred to, or the file itself), and for a
    file over the limit, ``advice`` on how to raise it where it may be raised. A
    FIFO, a device or a directory is refused without being read, so nothing here can block or
    read forever; a file over the limit is refused from its size, before any of it is read.
    """
    name = Path(path).name
    with open_regular(path, file=file, line=line) as handle:
        status = os.fstat(handle.fileno())
        if status.st_size > limit:
            why = f" ({advice})" if advice else ""
            raise InputError(f"{name} is larger than the limit of {_size(limit)}{why}", file, line)
        data = handle.read(status.st_size + 1)  # one byte more tells a file that grew meanwhile
    if len(data) > status.st_size:
        raise InputError(f"{name} changed while it was being read", file, line)
    return data


def read_utf8(path: Path, limit: int, *, file: Path | str, line: int | None = None) -> str:
    """The text of the regular file ``path``: bounded as by :func:`read_bounded`, UTF-8 or refused."""
    raw = read_bounded(path, limit, file=file, line=line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not valid UTF-8", file, utf8_line(raw, exc)) from None


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit:,} bytes"


def utf8_line(raw: bytes, error: UnicodeDecodeError) -> int:
    """The line (1-based) of the first byte that is not valid UTF-8."""
    return raw[: error.start].count(b"\n") + 1
