"""Record files read before, kept by the SHA-256 of their text, so that a rebuild parses only the files
that changed (:mod:`.release.keep`: a build's ``load`` stage).

Parsing is a function of the text alone (the parser's code is part of the keep's fingerprint), so a
file whose text is the same is the same values, lines and node count: kept with :mod:`marshal`,
read back in a sixth of the time libyaml and the event loop take. Only the file's name is not kept (it
is given again: the same text may be another file now). Each kept entry starts with the SHA-256 of the
rest, so a damaged entry is parsed again, never trusted; so is a file whose nodes would now exceed
what is left of the budget of all record files, so that the error is the parser's, at its line.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from pathlib import Path

from .yamlsource import Located

SUFFIX = ".values"


class Parses:
    """What the last build kept of its record files (``previous``), and where this one keeps them (``fresh``)."""

    def __init__(self, previous: Path | None = None, fresh: Path | None = None):
        self.previous = previous
        self.fresh = fresh

    def recall(self, text: str, shown: Path, max_nodes: int) -> Located | None:
        """The values of the file ``shown`` whose text is ``text``, if kept (and kept again for the next build)."""
        if self.previous is None:
            return None
        name = _name(text)
        try:
            entry = (self.previous / name).read_bytes()
        except OSError:
            return None
        blob = entry[32:]
        if hashlib.sha256(blob).digest() != entry[:32]:
            return None
        try:
            data, lines, nodes, joined = marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            return None
        if nodes > max_nodes:
            return None
        self._write(name, entry)
        return Located(shown, data, lines, nodes, joined)

    def keep(self, text: str, located: Located) -> None:
        """Keep the values of ``text`` for the next build (nothing, where they are not plain values)."""
        if self.fresh is None:
            return
        try:
            blob = marshal.dumps((located.data, located.lines, located.nodes, located.joined))
        except ValueError:
            return
        self._write(_name(text), hashlib.sha256(blob).digest() + blob)

    def _write(self, name: str, entry: bytes) -> None:
        if self.fresh is not None:
            with contextlib.suppress(OSError):  # a keep that cannot be written costs the next build time
                (self.fresh / name).write_bytes(entry)


def _name(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() + SUFFIX
