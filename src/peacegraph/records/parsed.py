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
        #: The name (SHA-256) of the text of each record file read, by the file's name.
        self.seen: dict[str, str] = {}
        self._parsed: dict[str, Located] = {}
        #: How many files were read back rather than parsed.
        self.recalled = 0

    def recall(self, text: str, shown: Path, max_nodes: int) -> Located | None:
        """The values of the file ``shown`` whose text is ``text``, if kept (and kept again for the next build)."""
        name = self.seen[shown.name] = _name(text)
        entry = self._entry(name)
        located = _values(entry, shown) if entry is not None else None
        if entry is None or located is None or located.nodes > max_nodes:
            return None
        self._write(name, entry)
        self.recalled += 1
        return located

    def keep(self, text: str, located: Located) -> None:
        """Keep the values of ``text`` for the next build (nothing, where they are not plain values)."""
        name = self.seen[located.file.name] = self.seen.get(located.file.name) or _name(text)
        if self.previous is not None:  # a rebuild: the files parsed are those that changed, compared later
            self._parsed[name] = located
        if self.fresh is None:
            return
        try:
            blob = marshal.dumps((located.data, located.lines, located.nodes, located.joined))
        except ValueError:
            return
        self._write(name, hashlib.sha256(blob).digest() + blob)

    def kept(self, name: str, shown: Path) -> Located | None:
        """The values of the text named ``name`` (:attr:`seen`), parsed by this build or kept by the last, as
        the file ``shown``'s; None if neither has them."""
        if name in self._parsed:
            located = self._parsed[name]
            return Located(shown, located.data, located.lines, located.nodes, located.joined)
        entry = self._entry(name)
        return _values(entry, shown) if entry is not None else None

    def _entry(self, name: str) -> bytes | None:
        if self.previous is None:
            return None
        try:
            return (self.previous / name).read_bytes()
        except OSError:
            return None

    def _write(self, name: str, entry: bytes) -> None:
        if self.fresh is not None:
            with contextlib.suppress(OSError):  # a keep that cannot be written costs the next build time
                (self.fresh / name).write_bytes(entry)


def _values(entry: bytes, shown: Path) -> Located | None:
    """The values an entry holds, if it is whole."""
    blob = entry[32:]
    if hashlib.sha256(blob).digest() != entry[:32]:
        return None
    try:
        data, lines, nodes, joined = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None
    return Located(shown, data, lines, nodes, joined)


def _name(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() + SUFFIX
