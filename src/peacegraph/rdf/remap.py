"""A rebuild maps again only the records a change touches, and edits the last build's lines.

The lines of a graph are the union of what each record maps to (:mod:`.mapping`), and a record's
lines depend on the record and on what its mapper reads of other records: a document reads the names
of its signatories and its source text; a position reads its document (authors, date), the document
it is quoted from (date) and its document's source text; a membership reads the names of its group
and members (:func:`reads`, which a test holds the mappers to). Nothing else is read but the
collection's base and the ontology's stances, which are part of the keep's fingerprint.

So after a change, what differs is: the records of the record files whose text changed (compared
with the last build's versions of those files, which :mod:`.records.parsed` kept), and the records
that read one of them. Each of those is mapped twice, the old version over the old records and the
new version over the new ones: the lines only the old mapping makes are removed from the last build's
lines, those only the new one makes are added. A line that some record left unchanged also makes
stays: a line that was made more than once in the last build (kept, :attr:`Made.repeated`) and is to
be removed sends the build the full way, as does anything this cannot prove: a changed source text
(its old text is not kept), topics appearing or all going (the topic scheme), a removed line that
is not in the last build's lines, lines whose order is not canonical.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import itertools
import marshal
import mmap
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ..records import loader
from ..records import model as r
from ..records.parsed import Parses
from . import mapping
from . import serialize as canonical
from .delta import FileText
from .lines import Lines, Made
from .sorted_lines import SortedLines

KEPT = "map.values"


def reads(record: r.Record, corpus: r.Corpus) -> Iterator[r.Ref]:
    """The records whose content the mapper of ``record`` reads (a document's source text is read as
    the document's: :func:`_sources`)."""
    if isinstance(record, r.Document):
        yield from (signature.signatory for signature in record.signatures)
    elif isinstance(record, r.Position):
        yield record.document
        if record.quoted_from:
            yield record.quoted_from
    elif isinstance(record, r.Membership):
        yield record.group
        yield from record.members


def keep(fresh: Path | None, corpus: r.Corpus, parses: Parses, made: Made) -> None:
    """Keep what the next build needs to map again only what changes (nothing where it cannot be written)."""
    if fresh is None:
        return
    kept = {
        "files": parses.seen,
        "sources": _sources(corpus),
        "topics": bool(corpus.topics),
        "predicates": sorted(made.predicates),
        "repeated": sorted(made.repeated),
        "count": made.count,
    }
    blob = marshal.dumps(kept)
    with contextlib.suppress(OSError):
        (fresh / KEPT).write_bytes(hashlib.sha256(blob).digest() + blob)


def _sources(corpus: r.Corpus) -> dict[str, str]:
    return {key: f"{source.name}\n{source.sha256}" for key, source in corpus.sources.items()}


def _recall(previous: Path) -> dict[str, Any] | None:
    try:
        entry = (previous / KEPT).read_bytes()
    except OSError:
        return None
    blob = entry[32:]
    if hashlib.sha256(blob).digest() != entry[:32]:
        return None
    with contextlib.suppress(EOFError, ValueError, TypeError):
        kept = marshal.loads(blob)
        if isinstance(kept, dict):
            return kept
    return None


def again(corpus: r.Corpus, parses: Parses, previous: Path, lines_file: Path, made: Made) -> Lines | None:
    """The lines of ``corpus``, made by editing the last build's (``lines_file``), or None: the full way.
    ``made`` gets what :func:`keep` keeps for the next build."""
    kept = _recall(previous)
    if kept is None or kept["sources"] != _sources(corpus) or kept["topics"] != bool(corpus.topics):
        return None
    before = _before(corpus, parses, kept["files"])
    if before is None:
        return None
    old, changed = before
    affected = _affected(corpus, changed)
    removed, added, doubled = _lines_of(affected, old, corpus)
    repeated = set(kept["repeated"]) | doubled
    if not removed.isdisjoint(repeated):
        return None
    try:
        edited = _edit(lines_file, kept["count"], removed, added, repeated)
    except OSError:  # the last build's lines changed while they were read: the full way
        return None
    if edited is None:
        return None
    predicates = set(kept["predicates"]) | {line.split(" ", 2)[1] for line in added}
    if not canonical.ntriples_order_is_sort_key({p[1:-1] for p in predicates}):
        return None
    new_data, made.count = edited
    made.predicates, made.repeated, made.remapped = predicates, repeated, len(affected)
    return Lines(new_data, made.count, True)


@dataclass
class _Changed:
    """The records of the changed files: by reference (old and new version, None where there is none)."""

    records: dict[r.Ref, tuple[r.Record | None, r.Record | None]] = field(default_factory=dict)
    memberships: tuple[list[r.Membership], list[r.Membership]] = field(default_factory=lambda: ([], []))
    deprecations: tuple[list[r.Deprecation], list[r.Deprecation]] = field(default_factory=lambda: ([], []))


def _before(corpus: r.Corpus, parses: Parses, files: dict[str, str]) -> tuple[r.Corpus, _Changed] | None:
    """The last build's records (the current ones, with the changed files' old versions in place), and
    what changed; None if a changed file's old version was not kept."""
    changed = _Changed()
    olds, news = r.Corpus(), r.Corpus()
    for name in sorted(set(files) | set(parses.seen)):
        if files.get(name) == parses.seen.get(name):
            continue
        for side, digest in ((olds, files.get(name)), (news, parses.seen.get(name))):
            if digest is None:
                continue
            located = parses.kept(digest, Path(name))
            if located is None:
                return None
            loader.add_records(side, located)
    old = copy.copy(corpus)  # the tables copied, to put the old versions in
    for table in r.TABLES.values():
        setattr(old, table, dict(getattr(corpus, table)))
    for prefix, table in r.TABLES.items():
        before, after = getattr(olds, table), getattr(news, table)
        for key in set(before) | set(after):
            if before.get(key) != after.get(key):
                changed.records[r.Ref(prefix, key)] = (before.get(key), after.get(key))
                if key in before:
                    getattr(old, table)[key] = before[key]
                else:
                    del getattr(old, table)[key]
    changed.memberships = (olds.memberships, news.memberships)
    changed.deprecations = (list(olds.deprecations.values()), list(news.deprecations.values()))
    return old, changed


#: A record a change touches: its old version and its new one (None where there is none), each mapped.
Pair = tuple[r.Record | None, r.Record | None]


def _affected(corpus: r.Corpus, changed: _Changed) -> list[Pair]:
    pairs: list[Pair] = list(changed.records.values())
    touched = set(changed.records)
    for prefix in ("doc", "position"):
        for key, record in corpus.table(prefix).items():
            if r.Ref(prefix, key) not in touched and not touched.isdisjoint(reads(record, corpus)):
                pairs.append((record, record))
    for membership in corpus.memberships:
        if membership not in changed.memberships[1] and not touched.isdisjoint(reads(membership, corpus)):
            pairs.append((membership, membership))
    pairs.extend((membership, None) for membership in changed.memberships[0])
    pairs.extend((None, membership) for membership in changed.memberships[1])
    pairs.extend((deprecation, None) for deprecation in changed.deprecations[0])
    pairs.extend((None, deprecation) for deprecation in changed.deprecations[1])
    return pairs


def _lines_of(affected: list[Pair], old: r.Corpus, new: r.Corpus) -> tuple[set[str], set[str], set[str]]:
    """The lines only the old versions make (over ``old``), those only the new ones make, and those the new
    ones make more than once."""
    before = set(_text(mapping.map_record(record, old) for record, _ in affected if record is not None))
    made = sorted(_text(mapping.map_record(record, new) for _, record in affected if record is not None))
    after = set(made)
    return before - after, after - before, {line for line, following in itertools.pairwise(made) if line == following}


def _text(made: Iterable[Iterable[tuple[str, str, str]]]) -> Iterator[str]:
    for triples in made:
        for s, p, o in triples:
            yield f"{s} {p} {o} ."


def _edit(
    lines_file: Path, count: int, removed: set[str], added: set[str], repeated: set[str]
) -> tuple[bytes, int] | None:
    """The sorted lines of ``lines_file`` without the lines ``removed`` and with those ``added`` (an added
    line already there is noted in ``repeated``), and how many lines there are; None if a line to remove
    is not there. The file is mapped to find where each line goes (a few pages read), and copied into the
    result a few megabytes at a time: the old lines are never held whole beside the new (1.6 GB at ten
    million triples)."""
    with open(lines_file, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            cuts = _cuts(data, removed, added, repeated)
            if cuts is None:
                return None
            size = len(data)
        old = FileText(handle)
        edited = io.BytesIO()  # grown in place; its value is then taken without a copy
        last = 0
        for start, end, text in cuts:
            _copy(old, last, start, edited)
            edited.write(text)
            last = end
        _copy(old, last, size, edited)
    inserted = sum(1 for cut in cuts if cut[2])
    return edited.getvalue(), count - len(removed) + inserted


def _cuts(
    data: mmap.mmap, removed: set[str], added: set[str], repeated: set[str]
) -> list[tuple[int, int, bytes]] | None:
    """Where the lines ``removed`` are and where those ``added`` go, in the order of the text:
    (start, end, what to put there)."""
    index = SortedLines(data)
    cuts: list[tuple[int, int, bytes]] = []
    for line in removed:
        raw = line.encode() + b"\n"
        at = index.lower_bound(raw[:-1])
        if data[at : at + len(raw)] != raw:
            return None
        cuts.append((at, at + len(raw), b""))
    for line in added:
        raw = line.encode() + b"\n"
        at = index.lower_bound(raw[:-1])
        if data[at : at + len(raw)] == raw:
            repeated.add(line)
            continue
        cuts.append((at, at, raw))
    return sorted(cuts)


def _copy(old: FileText, start: int, end: int, into: io.BytesIO) -> None:
    """Copy ``old[start:end]`` into ``into`` a block at a time (read, not mapped: a mapped page counts in
    the process's memory while it is mapped)."""
    for at in range(start, end, _BLOCK):
        into.write(old[at : min(end, at + _BLOCK)])


#: Bytes copied at a time.
_BLOCK: Final = 1 << 22
