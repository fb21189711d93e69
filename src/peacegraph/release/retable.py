"""The tables (:mod:`.tables`) written on a rebuild from what the last build wrote of them: only the rows
a change can reach are made again, and every file is byte for byte what a full build writes.

A row is a function of what it reads of the graph (see :class:`.tables.Index`): the lines of its key,
the lines of the identifiers its CSV line shows, by the predicates its ``about`` columns read, and the
lines of the nodes its paths go through (noted). A full build keeps, for each table, each row's id, the
nodes it noted, how many bytes its CSV line is, and for each column the counts its CSVW description is
made of (:class:`.tables.Summary`) (``tables.bin``: its SHA-256 on its first line, then the data in
:mod:`marshal`'s format, read only once that SHA-256 is checked); and beside them the CSV files and the
subjects of each object read backwards.

On a rebuild the dumps give the lines that changed (:class:`Changes`). A row is made again when its id
is new, its key is the subject of a changed line (or the object, read backwards), a node it noted is,
or its CSV line shows the subject of a changed line of a predicate an ``about`` column reads (found by
searching the last build's CSV for the IRI: a superset, as the IRI may be shown by a cell that reads
nothing); any other row reads what it read last time and is its last line, copied. The rows of a table
change with the lines of ``rdf:type`` and ``owl:deprecated`` of their subjects
(:class:`.tables.Instances`) or of the table's predicate (:class:`.tables.Pairs`); in a table with an
``order``, the rows made again are put in their place among the others by bisection. The few subjects
they read are looked up in the sorted lines (:class:`Lookup`); a row dropped or made again is first
made from the last build's lines, to take its counts out of the column summaries. A keep that is
missing, damaged or made otherwise, or a change that touches too many shown identifiers, makes the
tables be written the full way.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import marshal
import mmap
import os
import shutil
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Final

import pyoxigraph

from .. import __version__
from ..collection import Collection
from ..rdf import bulk
from ..rdf.formats import Format
from ..rdf.lines import Lines
from ..rdf.namespaces import OWL, RDF_TYPE
from ..rdf.sorted_lines import Buffer, SortedLines, split
from ..rdf.spill import SpilledLines
from . import tables
from .files import DUMP_STEM
from .keep import NOTHING, Stage
from .tables import Index, Summary, Table, Value
from .writing import Directory

#: What a keep's ``tables.bin`` says it is; another value is another format, not read.
FORMAT: Final = "peacegraph tables keep 1"
KEPT: Final = "tables.bin"
NTRIPLES: Final = Format.NTRIPLES.dump_name(DUMP_STEM)
_TYPE: Final = RDF_TYPE.value
_DEPRECATED: Final = OWL + "deprecated"

#: The subjects of each object, by predicate read backwards (but ``rdf:type``, whose are the tables' rows).
Backward = dict[str, dict[str, list[str]]]
#: The same, as the keep holds it: each object beside each of its subjects (:func:`_flat`).
Flat = dict[str, tuple[list[str], list[str]]]
#: Past this many identifiers to look for in the last build's CSV files, the tables are written the full way.
MANY: Final = 64
_value_of = attrgetter("value")


@dataclass(frozen=True)
class Changes:
    """What a rebuild's lines are: ``graph``, which differs from the last build's lines (``previous_lines``,
    whose SHA-256 the dumps' keep checked) by the lines ``added`` and ``removed`` (without their ``\\n``)."""

    graph: Lines | SpilledLines
    previous_lines: Path
    lines_sha256: str
    added: list[bytes]
    removed: list[bytes]

    def index(self) -> Index:
        """The full index of the lines (the tables written the full way)."""
        index = Index()
        for chunk in bulk.chunks_of(self.graph):
            index.add(chunk)
        return index


class Unusable(Exception):  # noqa: N818 - an outcome: the tables are written the full way
    """The keep cannot be used."""


def write(
    source: Index | Changes,
    col: Collection,
    files: Directory,
    keep: Stage = NOTHING,
    reused: dict[str, str] | None = None,
) -> None:
    """Write the tables into ``files``: from ``source``'s changes and the keep ``keep.previous`` where it is
    whole, else from the full index; leave in ``keep.fresh`` what the next build can start from."""
    if isinstance(source, Changes):
        try:
            with _kept(keep, source) as kept:
                written, back, made, total = _again(source, kept, col, files)
            if reused is not None:  # told with the dumps' segments: the stage that writes both
                said = f"{made:,} of {total:,} table rows made again"
                reused["serialize"] = f"{reused['serialize']}; {said}" if "serialize" in reused else said
            _keep(keep.fresh, files, written, {p: _flat(back[p], str) for p in back})
            return
        except Unusable:
            source = source.index()
    written = tables.write(source, col, files, note=keep.fresh is not None)
    if keep.fresh is not None:
        _keep(keep.fresh, files, written, {p: _flat(source.back[p], _value_of) for p in _backward()})


def _backward() -> list[str]:
    return sorted(tables.READ_BACKWARDS - {_TYPE})


def _depends() -> str:
    """What the keep depends on besides the lines: its format, the tool's and Oxigraph's versions, and the
    tables' columns and what they read."""
    made = [
        FORMAT,
        __version__,
        pyoxigraph.__version__,
        sorted(tables.READ),
        _backward(),
        [(t.name, repr(t.rows), [c.name for c in t.columns], t.order) for t in tables.TABLES],
    ]
    return hashlib.sha256(repr(made).encode()).hexdigest()


# --- the keep ---------------------------------------------------------------------------------


def _keep(fresh: Path | None, files: Directory, written: dict[str, tables.Written], back: Flat) -> None:
    """Leave in ``fresh`` the tables' CSV files and what was noted of them (nothing if ``fresh`` is None, or
    no N-Triples dump was written: the keep is of the lines it holds)."""
    dump = files.written.get(NTRIPLES)
    if fresh is None or not written or dump is None:
        return
    kept: dict[str, Any] = {}
    for table in tables.TABLES:
        done = written[table.name]
        name = table.file_name
        try:
            os.link(files.root / name, fresh / _csv(table))
        except OSError:
            shutil.copyfile(files.root / name, fresh / _csv(table))
        summaries = {column: summary.as_data() for column, summary in done.summaries.items()}
        kept[table.name] = [done.ids, done.hidden, done.lengths, summaries, files.written[name].sha256]
    body = marshal.dumps({"format": FORMAT, "depends": _depends(), "lines": dump.sha256, "tables": kept, "back": back})
    (fresh / KEPT).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _flat(back: Mapping[str, list[Any]], iri: Callable[[Any], str]) -> tuple[list[str], list[str]]:
    """The subjects of each object (their ``iri``), as two lists: each object beside each of its subjects."""
    objects: list[str] = []
    subjects: list[str] = []
    for obj, found in back.items():
        objects.extend(itertools.repeat(obj, len(found)))
        subjects.extend(map(iri, found))
    return objects, subjects


def _csv(table: Table) -> str:
    return f"{table.name}.csv"


@dataclass
class _Kept:
    """A keep read and checked: what it noted of each table, its CSV's bytes, and the backward subjects."""

    tables: dict[str, tables.Written]
    csv: dict[str, _File]
    back: Backward


@contextlib.contextmanager
def _kept(keep: Stage, changes: Changes) -> Iterator[_Kept]:
    """The keep ``keep.previous``, checked whole, made with the lines ``changes`` starts from; else Unusable."""
    if keep.previous is None:
        raise Unusable("nothing kept")
    with contextlib.ExitStack() as stack:
        try:
            kept = _checked(keep.previous, changes.lines_sha256, keep.known, stack)
        except (OSError, ValueError, EOFError, KeyError, TypeError, IndexError) as error:
            raise Unusable(str(error)) from error
        yield kept


def _checked(previous: Path, lines: str, known: Mapping[tuple[int, int], str], stack: contextlib.ExitStack) -> _Kept:
    digest, _newline, body = (previous / KEPT).read_bytes().partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise Unusable("damaged")
    data = marshal.loads(body)
    if data["format"] != FORMAT or data["depends"] != _depends() or data["lines"] != lines:
        raise Unusable("made otherwise")
    found, csv = {}, {}
    for table in tables.TABLES:
        ids, hidden, lengths, summaries, sha256 = data["tables"][table.name]
        if len(lengths) != len(ids) + 1 or not all(0 <= at < len(ids) for at in hidden):
            raise Unusable("rows do not match")
        csv[table.name] = _opened(previous / _csv(table), sha256, known, stack)
        if csv[table.name].size != sum(lengths):
            raise Unusable("rows do not match")
        columns = {name: Summary.from_data(value) for name, value in summaries.items()}
        if set(columns) != {c.name for c in table.columns}:
            raise Unusable("columns do not match")
        found[table.name] = tables.Written(list(ids), dict(hidden), list(lengths), columns)
    back: Backward = {}
    for predicate, (objects, subjects) in data["back"].items():
        by_object: dict[str, list[str]] = {}
        back[predicate] = by_object
        for obj, subject in zip(objects, subjects, strict=True):
            by_object.setdefault(obj, []).append(subject)
    if sorted(back) != _backward():
        raise Unusable("backward predicates do not match")
    return _Kept(found, csv, back)


def _opened(path: Path, sha256: str, known: Mapping[tuple[int, int], str], stack: contextlib.ExitStack) -> _File:
    """The file ``path``, if its SHA-256 is ``sha256`` (known already by device and inode, or read)."""
    handle = stack.enter_context(path.open("rb"))
    status = os.fstat(handle.fileno())
    found = known.get((status.st_dev, status.st_ino)) or hashlib.file_digest(handle, "sha256").hexdigest()
    if found != sha256:
        raise Unusable(f"{path.name} damaged")
    return _File(handle.fileno(), status.st_size)


@dataclass(frozen=True)
class _File:
    """A kept CSV file, read a block at a time where asked: never mapped nor read whole (at ten million
    triples the tables are half a gigabyte)."""

    fd: int
    size: int

    def copy(self, start: int, end: int, sink: IO[bytes]) -> None:
        """Write its bytes from ``start`` to ``end`` into ``sink``."""
        while start < end:
            block = os.pread(self.fd, min(end - start, _BLOCK), start)
            if not block:
                raise OSError(errno.EIO, "a kept table is shorter than when it was checked")
            sink.write(block)
            start += len(block)

    def around(self, needle: bytes, start: int) -> Iterator[tuple[int, bytes, bytes]]:
        """Where ``needle`` begins, from ``start`` on (not 0), with the byte before it and the byte after."""
        at = start
        while at < self.size:
            base = at - 1
            block = os.pread(self.fd, _BLOCK + len(needle) + 1, base)
            found = block.find(needle, 1)
            while 0 < found <= _BLOCK:  # those that begin in this block: the next begins past them
                after = found + len(needle)
                yield base + found, block[found - 1 : found], block[after : after + 1]
                found = block.find(needle, found + 1)
            at += _BLOCK


_BLOCK: Final = 1 << 24


# --- looking up in the sorted lines -----------------------------------------------------------


class Lookup(Index):
    """The index's lookups (:class:`.tables.Index`) for a few subjects, in sorted lines (``data``) by
    bisection; the subjects of an object from ``back``."""

    def __init__(self, data: Buffer, back: Backward):
        super().__init__()
        self.lines = SortedLines(data)
        self.backward = back
        self._found: dict[bytes, dict[str, list[Value]]] = {}

    def _of(self, form: bytes) -> dict[str, list[Value]]:
        found = self._found.get(form)
        if found is None:
            found = self._found[form] = {}
            for line in self.lines.of_subject(form):
                _subject, predicate, obj = split(line)
                name = bulk.iri(predicate)
                if name in tables.READ:
                    found.setdefault(name, []).append(tables.term_value(obj))
        return found

    def values(self, subject: Value, predicate: str) -> list[Value]:
        return self._of(subject.form).get(predicate) or []

    def subjects(self, obj: Value, predicate: str) -> list[Value]:
        if predicate not in self.backward:
            raise Unusable(f"subjects of {predicate} not kept")
        return sorted({tables.iri_value(s) for s in self.backward[predicate].get(obj.value, ())})

    def about(self, cells: list[Value], predicate: str) -> list[Value]:
        return [found for cell in cells if cell.iri for found in self._of(cell.form).get(predicate, ())]

    def instance(self, subject: str, cls: str) -> bool:
        """Whether ``subject`` is a row of :class:`.tables.Instances` of ``cls``."""
        node = tables.iri_value(subject)
        return any(v.value == cls for v in self.values(node, _TYPE)) and not self.values(node, _DEPRECATED)


@contextlib.contextmanager
def _mapped(path: Path) -> Iterator[Buffer]:
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


# --- a rebuild --------------------------------------------------------------------------------


@dataclass
class _Touched:
    """What the changed lines touch: the subjects of their lines (of predicates some column reads) and the
    objects of those read backwards; by predicate, the subjects of their lines; the subjects whose
    classes or deprecation changed; and the pairs of each predicate added and removed."""

    subjects: set[str]
    by_predicate: dict[str, set[str]]
    typed: set[str]
    pairs_added: dict[str, set[tuple[str, str]]]
    pairs_removed: dict[str, set[tuple[str, str]]]


def _touched(changes: Changes, old: Backward) -> tuple[_Touched, Backward]:
    """What ``changes`` touch, and the subjects of each object read backwards in the new lines."""
    touched = _Touched(set(), {}, set(), {}, {})
    new = {predicate: dict(found) for predicate, found in old.items()}
    for sign, lines in ((1, changes.added), (-1, changes.removed)):
        pairs = touched.pairs_added if sign > 0 else touched.pairs_removed
        for line in lines:
            subject_form, predicate_form, obj = split(line)
            subject, predicate = bulk.iri(subject_form), bulk.iri(predicate_form)
            if predicate in (_TYPE, _DEPRECATED):
                touched.typed.add(subject)
            if predicate in tables.READ:
                touched.subjects.add(subject)
                touched.by_predicate.setdefault(predicate, set()).add(subject)
            if not obj.startswith(b"<"):
                continue
            target = bulk.iri(obj)
            pairs.setdefault(predicate, set()).add((subject, target))
            if predicate in new:
                touched.subjects.add(target)
                found = [s for s in new[predicate].get(target, ()) if s != subject]
                new[predicate][target] = [*found, subject] if sign > 0 else found
    return touched, new


def _again(
    changes: Changes, kept: _Kept, col: Collection, files: Directory
) -> tuple[dict[str, tables.Written], Backward, int, int]:
    """Write the tables from the keep and the changes; what was written, the backward subjects, and how
    many rows were made again of how many."""
    touched, back = _touched(changes, kept.back)
    with contextlib.ExitStack() as stack:
        if isinstance(changes.graph, Lines):
            data: Buffer = changes.graph.data
        else:
            data = stack.enter_context(_mapped(changes.graph.path))
        old = Lookup(stack.enter_context(_mapped(changes.previous_lines)), kept.back)
        new = Lookup(data, back)
        plans = {table.name: _planned(table, kept, touched, old, new) for table in tables.TABLES}
        written = {}
        for table in tables.TABLES:
            written[table.name] = _write(table, plans[table.name], kept, col, files)
    made = sum(len(plan.made) for plan in plans.values())
    return written, back, made, sum(len(plan.ids) for plan in plans.values())


@dataclass
class _TablePlan:
    """A table's rows on a rebuild: their ids in order, those made again (their CSV line and the nodes they
    noted), and the summaries of the columns."""

    ids: list[Any]
    made: dict[Any, tuple[bytes, set[str]]]
    summaries: dict[str, Summary]


def _planned(table: Table, kept: _Kept, touched: _Touched, old: Lookup, new: Lookup) -> _TablePlan:
    last = kept.tables[table.name]
    place = {row_id: at for at, row_id in enumerate(last.ids)}
    ids = _ids(table, last.ids, touched, new)
    reached = _reached(table, kept, touched, place)
    again = [i for i in ids if i not in place or place[i] in reached]
    gone = set(place).difference(ids)
    found = {name: Summary.from_data(summary.as_data()) for name, summary in last.summaries.items()}
    for row_id in itertools.chain(gone, (i for i in again if i in place)):
        _count(found, table, tables.row(table, old, table.rows.key(row_id)), -1)
    made = {}
    for row_id in again:
        noted: set[str] = set()
        new.hidden = noted
        cells = tables.row(table, new, table.rows.key(row_id))
        new.hidden = None
        _count(found, table, cells, 1)
        made[row_id] = (tables.row_line(table, cells).encode("utf-8"), noted)
    if table.order:
        current = set(ids)
        ids = _ordered(table, [i for i in last.ids if i in current and i not in made], made, new)
    return _TablePlan(ids, made, found)


def _reached(table: Table, kept: _Kept, touched: _Touched, place: dict[Any, int]) -> set[int]:
    """The places of the last build's rows that a change reaches (see the module's description)."""
    last = kept.tables[table.name]
    if isinstance(table.rows, tables.Instances):
        reached = {place[s] for s in touched.subjects if s in place}
    else:
        reached = {at for at, pair in enumerate(last.ids) if not touched.subjects.isdisjoint(pair)}
    reached.update(at for at, noted in last.hidden.items() if not touched.subjects.isdisjoint(noted))
    shown: set[str] = set()
    for column in table.columns:
        if column.cells is None and column.property is not None:
            shown.update(touched.by_predicate.get(column.property, ()))
    if len(shown) > MANY:
        raise Unusable(f"{len(shown)} identifiers to look for in {table.file_name}")
    if shown:
        ends = list(itertools.accumulate(last.lengths))  # where each line ends, the header's first
        reached.update(_showing(kept.csv[table.name], shown, ends))
    return reached


def _showing(csv: _File, iris: set[str], ends: list[int]) -> Iterator[int]:
    """The places of the rows whose line has one of ``iris`` in it (between separators)."""
    for iri in sorted(iris):
        for at, before, after in csv.around(iri.encode("utf-8"), ends[0]):
            if before in _BEFORE and after in _AFTER:
                yield bisect_right(ends, at) - 1


#: What is around an identifier in a CSV line: the field's comma or quote, or the space between identifiers.
_BEFORE: Final = frozenset((b",", b" ", b'"', b"\n"))
_AFTER: Final = frozenset((b",", b" ", b'"', b"\r"))


def _ordered(table: Table, kept: list[Any], made: dict[Any, tuple[bytes, set[str]]], new: Lookup) -> list[Any]:
    """The ids of a table with an ``order``: the rows ``kept`` (in their order still), and those ``made``
    again each put in its place (the rows are ordered by :func:`.tables.sort_key`, then by id)."""
    keys: dict[Any, tuple[Any, ...]] = {}

    def key(row_id: Any) -> tuple[Any, ...]:
        found = keys.get(row_id)
        if found is None:
            cells = tables.row(table, new, table.rows.key(row_id))
            found = keys[row_id] = (tables.sort_key(table, cells), _base(table, row_id))
        return found

    ordered = list(kept)
    for row_id in sorted(made, key=key):
        insort(ordered, row_id, key=key)
    return ordered


def _base(table: Table, row_id: Any) -> Any:
    """How ``row_id`` is ordered among rows of the same sort key: as :attr:`.tables.Table.rows` gives them."""
    return _form(row_id) if isinstance(table.rows, tables.Instances) else row_id


def _count(found: dict[str, Summary], table: Table, cells: tables.Row, sign: int) -> None:
    for column in table.columns:
        found[column.name].add(Summary.of([cells[column.name]]), sign)


def _ids(table: Table, last: list[Any], touched: _Touched, new: Lookup) -> list[Any]:
    """The ids of the table's rows in the new lines, in the order of :attr:`.tables.Table.rows`."""
    rows = table.rows
    if isinstance(rows, tables.Instances):
        if not touched.typed:
            return list(last)
        ids = set(last)
        for subject in touched.typed:
            if new.instance(subject, rows.cls):
                ids.add(subject)
            else:
                ids.discard(subject)
        return sorted(ids, key=_form)
    pairs = set(map(tuple, last)) - touched.pairs_removed.get(rows.predicate, set())
    return sorted(pairs | touched.pairs_added.get(rows.predicate, set()))


def _form(iri: str) -> str:
    """What orders IRIs as their N-Triples forms are ordered (code points are ordered as their UTF-8 bytes)."""
    return iri + ">"


def _write(table: Table, plan: _TablePlan, kept: _Kept, col: Collection, files: Directory) -> tables.Written:
    lengths, hidden = _write_csv(table, plan, kept, files)
    files.put(table.metadata_name, tables.metadata_bytes(table, plan.summaries, col.licence_iri))
    return tables.Written(plan.ids, hidden, lengths, plan.summaries)


def _write_csv(table: Table, plan: _TablePlan, kept: _Kept, files: Directory) -> tuple[list[int], dict[int, set[str]]]:
    """Write the CSV: the lines of the rows made again, and the last build's of the others (runs of them
    that follow each other there copied at once); each row's length, and the nodes noted by place.

    The file is written, never linked to the kept one: that is a link to the release's own file, which a
    release replaced in place would rename onto itself (a rename that does nothing)."""
    last, csv = kept.tables[table.name], kept.csv[table.name]
    offsets = list(itertools.accumulate(last.lengths))  # where each row's line ends (the header's first)
    place = {row_id: at for at, row_id in enumerate(last.ids)}
    lengths, hidden = [last.lengths[0]], {}
    with files.stream(table.file_name) as sink:
        start, end = 0, last.lengths[0]  # the run of the last build's bytes to copy next
        for now, row_id in enumerate(plan.ids):
            again = plan.made.get(row_id)
            if again is None:
                at = place[row_id]
                if offsets[at] != end:
                    csv.copy(start, end, sink)
                    start = offsets[at]
                end = offsets[at + 1]
                lengths.append(last.lengths[at + 1])
                noted = last.hidden.get(at)
            else:
                csv.copy(start, end, sink)
                start = end = 0
                line, noted = again
                sink.write(line)
                lengths.append(len(line))
            if noted:
                hidden[now] = noted
        csv.copy(start, end, sink)
    return lengths, hidden
