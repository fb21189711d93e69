"""What a command reads: the collection given (or found from the current folder) and its release.

Without click, so that the quick start of ``peacegraph query`` finds a release exactly as the
click command does (``cli.py`` makes the active collection last as long as its command).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PeacegraphError

if TYPE_CHECKING:
    from .collection import Collection
    from .rdf.namespaces import Space


@dataclass(frozen=True)
class ReleaseInput:
    """What a command that reads a release works with."""

    out: Path
    #: The source texts, to show each quote in its paragraph (None: pages do without).
    texts: Path | None = None
    #: The collection's own shapes, checked in addition to the tool's.
    shapes: tuple[Path, ...] = ()
    #: The collection's saved queries, offered with the release.
    queries: Path | None = None
    #: The IRIs to make active while the command runs (None: a release that does not say them).
    space: Space | None = None


def find_collection(collection_dir: Path | None) -> Collection:
    """The collection given, or the one the current folder is in."""
    from . import collection

    return collection.load(collection_dir if collection_dir is not None else collection.find(Path.cwd()))


def find_release(collection_dir: Path | None, release: Path | None, needs_iris: bool = True) -> ReleaseInput:
    """The release a command reads: the collection's (given, or found from the current folder), or,
    with only ``--release`` and no collection around, one that says itself under which IRIs it was built
    (``needs_iris``: the command refuses a release that does not, such as a bare dump)."""
    from . import collection

    if collection_dir is None and release is not None:
        try:
            collection_dir = collection.find(Path.cwd())
        except PeacegraphError:
            try:
                return ReleaseInput(release, space=collection.space_of_release(release))
            except PeacegraphError:
                if not needs_iris:
                    return ReleaseInput(release)
                raise
    col = find_collection(collection_dir)
    texts = col.texts if col.texts.is_dir() else None
    return ReleaseInput(release or col.out, texts, col.shapes, col.queries, col.space)
