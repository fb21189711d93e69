"""The query guard's verdicts on queries run before, so that ``peacegraph query`` runs a query again without
loading the guard: its regular expressions need ``re`` (and ``enum``), 6 ms of every run, a third of what a
small query costs in all.

The guard (``serve/guard.py``) decides on a query's text alone: it refuses it, or gives the text to run
(comments blanked, codepoint escapes replaced). A text it let through is kept with the text to run, in one
of :data:`SLOTS` files under the cache home chosen by a checksum of the text; a later run uses what it finds
there only for the very same text (compared whole, not by its checksum), checked by the very same guard:
the stamp of ``guard.py`` (size, times, inode) and the tool's version are part of the entry. Refusals are
not kept: a refused query is checked again, and refused again, each time. A text longer than
:data:`MAX_TEXT` is not kept, so the folder stays small (at most :data:`SLOTS` entries); a query seen once is
checked, as ever, and a new one takes the slot of an old one.
"""

from __future__ import annotations

import os
import zlib

from . import __version__
from .stamps import cache_home, stamp

#: How many verdicts are kept, and the longest text kept (characters).
SLOTS = 256
MAX_TEXT = 16 * 1024
FOLDER = "guarded"
HEADER = f"peacegraph guard verdict 1, peacegraph {__version__}"
GUARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve", "guard.py")


def place(text: str) -> tuple[str, bytes] | None:
    """Where a verdict on ``text`` is kept, and what the entry starts with (None: not kept)."""
    guard = stamp(GUARD)
    if guard is None or len(text) > MAX_TEXT:
        return None
    raw = text.encode("utf-8", "surrogatepass")  # a command line's undecodable bytes round-trip
    slot = f"{zlib.crc32(raw) % SLOTS:02x}"
    return os.path.join(cache_home(), FOLDER, slot), f"{HEADER}\n{guard}\n{len(raw)}\n".encode() + raw


def recall(text: str) -> str | None:
    """The text to run for ``text``, if the same guard let the same text through before."""
    found = place(text)
    if found is None:
        return None
    path, start = found
    try:
        with open(path, "rb") as handle:
            kept = handle.read()
    except OSError:
        return None
    if not kept.startswith(start):
        return None
    try:
        return kept[len(start) :].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None


def keep(text: str, run: str) -> None:
    """Keep the guard's verdict that ``text`` may run as ``run`` (whole or not at all; nowhere if no cache can
    be kept)."""
    found = place(text)
    if found is None:
        return
    path, start = found
    writing = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(writing, "wb") as handle:
            handle.write(start + run.encode("utf-8", "surrogatepass"))
        os.replace(writing, path)
    except OSError:
        _discard(writing)


def _discard(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        return
