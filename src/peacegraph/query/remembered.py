"""What a query found of its release, remembered so that the same way of asking finds it again with a few
``stat`` calls: the quick start of ``peacegraph query`` (``querying.py``).

The full way to a release's store reads collection.yaml (or, for a release given alone, its void.ttl)
for the collection's IRIs, and stamps the dump to find its store (``cache.py``); with the modules that
do it, that is most of what a small query costs. So after a full run has found its store by the dump's
stamp, a *record* is kept under the cache home for that way of asking: the collection folder (given, or
the nearest one holding a collection.yaml), the release given, and the ontology asked for or not. It holds

- the stamp (device, inode, size, modification and change times, as ``records.known`` has it) of every
  file the answer depended on: the collection.yaml or void.ttl the IRIs came from, and the files the
  store was built from, and the tool's own modules that read them (``collection.py``,
  ``rdf/namespaces.py``); and the files that were absent (an ontology that would be added to the store);
- the name of the store those files were found to need;
- the prefixes and base IRI a query runs with (from the collection's IRIs).

A later run asking the same way uses the record only if every file has the stamp it had and no absent
file has appeared; it then holds its store as the full way does (``keeping.hold``). Anything else (no
record, a stamp changed, a store gone) is the full way, which writes the record again. A record is
written only when the run found its store by the stamp of its files, every file has settled and none
changed while the run read them: a stamp seen again means the very content the record was made from.

A record is plain text, a line per fact, fields apart by tabs; a value that holds a tab or a line break
is never written (the full way answers such a collection each time). This module imports nothing a
query does not need: it is most of what the quick start runs before the query itself.
"""

from __future__ import annotations

import os
import zlib

from .. import __version__
from ..collection_file import CONFIG_FILE, nearest
from ..stamps import cache_home, stamp
from .keeping import is_store_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from .store import Iris

#: The folder under the cache home that holds the records, and the first line of each.
RECORDS = "queried"
HEADER = f"peacegraph query record 1, peacegraph {__version__}"


class Found:
    """What a record says of a release: its store, and the IRIs a query over it runs with."""

    __slots__ = ("base", "prefixes", "store")

    def __init__(self, store: str, prefixes: dict[str, str], base: str) -> None:
        self.store = store  # the store's folder under the cache home
        self.prefixes = prefixes  # predeclared in a query, and what a table shortens IRIs with
        self.base = base  # what relative IRIs in a query resolve against


def asking(collection_dir: str | None, release: str | None, ontology: bool) -> str | None:
    """The way of asking of a command line: where the IRIs are read from, and the release and variant
    asked for (None when the full way is needed to say what is wrong: neither a collection nor a release)."""
    try:
        folder = os.path.abspath(collection_dir) if collection_dir is not None else nearest(os.getcwd())
    except OSError:  # the working folder is gone: the full way says so
        return None
    if folder is None and release is None:
        return None
    iris = os.path.join(folder, CONFIG_FILE) if folder is not None else os.path.join(release or "", "void.ttl")
    given = os.path.abspath(release) if release is not None else ""
    way = "\t".join((os.path.abspath(iris), given, "ontology" if ontology else "dumps"))
    try:
        way.encode()
    except UnicodeEncodeError:  # a path that is not UTF-8 (bytes a command line could not decode)
        return None
    return way


def iris_file(way: str) -> str:
    """The file a way of asking reads the collection's IRIs from (collection.yaml or void.ttl)."""
    return way.split("\t", 1)[0]


def record_path(way: str) -> str:
    """Where the record of ``way`` is kept."""
    return os.path.join(cache_home(), RECORDS, f"{zlib.crc32(way.encode()):08x}")


def recall(way: str) -> Found | None:
    """What the record of ``way`` says, if it has one and every file it names is as it was."""
    try:
        with open(record_path(way), encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if lines[:2] != [HEADER, "way\t" + way]:
        return None
    facts: dict[str, list[str]] = {}
    for line in lines[2:]:
        kind, _, rest = line.partition("\t")
        if kind == "file":
            path, _, was = rest.rpartition("\t")
            if stamp(path) != was:
                return None
        elif kind == "absent":
            if os.path.lexists(rest):
                return None
        else:
            facts.setdefault(kind, []).append(rest)
    return _found(facts)


def _found(facts: dict[str, list[str]]) -> Found | None:
    try:
        (store,), (base,) = facts["store"], facts["base"]
        prefixes = dict(line.split("\t") for line in facts.get("prefix", ()))
    except (KeyError, ValueError):
        return None
    return Found(store, prefixes, base) if is_store_name(store) else None


def record(way: str, files: list[str], absent: list[str], found: Found) -> str | None:
    """The text of a record, or None for values a record cannot hold (a tab or a line break in them)."""
    lines = [HEADER, "way\t" + way]
    lines += [f"file\t{path}\t{stamp(path)}" for path in files]
    lines += [f"absent\t{path}" for path in absent]
    lines += [f"store\t{found.store}", f"base\t{found.base}"]
    lines += [f"prefix\t{prefix}\t{iri}" for prefix, iri in found.prefixes.items()]
    values = [*files, *absent, found.store, found.base, *found.prefixes, *found.prefixes.values()]
    if any(char in value for value in values for char in "\t\n\r") or None in map(stamp, files):
        return None
    if way.count("\t") != 2 or "\n" in way or "\r" in way:
        return None
    return "\n".join(lines) + "\n"


def _readers() -> list[str]:
    """The modules that made what a record says of the IRIs (reading collection.yaml or void.ttl, the prefixes):
    a record is stamped with them too, so that a tool changed in place (a checkout, an upgrade of the same
    version) reads the release again."""
    from .. import collection
    from ..rdf import namespaces

    return [os.path.abspath(module.__file__ or "") for module in (collection, namespaces)]


def keep(way: str, before: str | None, out: Path, ontology: bool, store: Path, iris: Iris) -> None:
    """Write the record of ``way`` after a full run over the release in ``out`` that used ``store``, with the
    collection's IRIs read from a file whose stamp was ``before`` the run; if the store was found by the
    stamp of the release's files, and every file has settled and is as it was."""
    from pathlib import Path

    from ..records import known
    from ..release.files import ONTOLOGY_FILE
    from . import cache

    if before is None or not iris.base or str(known.cache_home()) != cache_home():
        return
    sources = [os.path.abspath(path) for path in cache.sources(out, ontology)]
    absent = [os.path.abspath(os.path.join(out, ONTOLOGY_FILE))] if ontology and len(sources) == 1 else []
    files = [iris_file(way), *sources, *_readers()]
    found = Found(os.path.basename(store), iris.prefixes, iris.base)
    text = record(way, files, absent, found)
    try:
        settled = known.settled([Path(path) for path in files])
        if text is None or not settled or not is_store_name(found.store) or stamp(files[0]) != before:
            return
        if cache.recorded(out, ontology) != found.store or record(way, files, absent, found) != text:
            return
        known.write_whole(Path(record_path(way)), text)
    except OSError:
        return
