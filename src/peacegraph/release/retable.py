"""The tables (:mod:`.tables`) written on a rebuild from what the last build wrote of them: only the rows
a change can reach are made again, and every file is byte for byte what a full build writes.

A row is a function of what it reads of the graph (:data:`.tables.Reads`): the values of some subjects,
and the subjects of some objects (``inverse``). A full build notes, for each row, its id, what it read,
how many bytes its CSV line is and where it is ordered, and for each column the counts its CSVW
description is made of (:class:`.tables.Summary`); and it keeps them (``tables.bin``, its SHA-256 on its
first line, then the data in :mod:`marshal`'s format, read only once that SHA-256 is checked) beside the
dumps' keep (:mod:`.dumps`), with the CSV files and the subjects of each object read backwards.

On a rebuild the dumps give the lines that changed (:class:`Changes`). A row is made again when its id is
new, or it read a subject of a changed line (of a predicate some column reads) or the subjects of a
changed line's object and predicate; any other row reads what it read last time and is its last line.
The rows of a table change with the lines of ``rdf:type`` and ``owl:deprecated`` of their subjects
(:class:`.tables.Instances`) or of the table's predicate (:class:`.tables.Pairs`). The few subjects a
row made again reads are looked up in the sorted lines by bisection (:class:`Lookup`); a row dropped or
made again is first made from the last build's lines, to take its counts out of the column summaries.
A keep that is missing, damaged or made otherwise makes the tables be written the full way.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import mmap
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

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
from .tables import Index, Reads, Summary, Table, Value
from .writing import Directory

#: What a keep's ``tables.bin`` says it is; another value is another format, not read.
FORMAT: Final = "peacegraph tables keep 1"
KEPT: Final = "tables.bin"
NTRIPLES: Final = Format.NTRIPLES.dump_name(DUMP_STEM)
_TYPE: Final = RDF_TYPE.value
_DEPRECATED: Final = OWL + "deprecated"

#: The subjects of each object, by predicate read backwards (but ``rdf:type``, whose are the tables' rows).
Backward = dict[str, dict[str, list[str]]]


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
        for block in self.graph.blocks():
            for chunk in bulk.chunks(block):
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
            _keep(keep.fresh, files, written, back)
            return
        except Unusable:
            source = source.index()
    written = tables.write(source, col, files, note=keep.fresh is not None)
    if keep.fresh is not None:
        back = {p: {o: [s.value for s in found] for o, found in source.back[p].items()} for p in _backward()}
        _keep(keep.fresh, files, written, back)


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


def _keep(fresh: Path | None, files: Directory, written: dict[str, tables.Written], back: Backward) -> None:
    """Leave in ``fresh`` the tables' CSV files and what was noted of them (nothing if ``fresh`` is None)."""
    if fresh is None or not written:
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
        kept[table.name] = [done.ids, done.reads, done.lengths, done.sort_keys, summaries, files.written[name].sha256]
    lines = files.written[NTRIPLES].sha256
    body = marshal.dumps({"format": FORMAT, "depends": _depends(), "lines": lines, "tables": kept, "back": back})
    (fresh / KEPT).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _csv(table: Table) -> str:
    return f"{table.name}.csv"


@dataclass
class _Kept:
    """A keep read and checked: what it noted of each table, its CSV's bytes, and the backward subjects."""

    tables: dict[str, tables.Written]
    csv: dict[str, Buffer]
    paths: dict[str, Path]
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
    found, csv, paths = {}, {}, {}
    for table in tables.TABLES:
        ids, reads, lengths, sort_keys, summaries, sha256 = data["tables"][table.name]
        if len(ids) != len(reads) or len(lengths) != len(ids) + 1 or len(sort_keys) not in (0, len(ids)):
            raise Unusable("rows do not match")
        paths[table.name] = previous / _csv(table)
        csv[table.name] = _opened(paths[table.name], sha256, known, stack)
        if len(csv[table.name]) != sum(lengths):
            raise Unusable("rows do not match")
        columns = {name: Summary.from_data(value) for name, value in summaries.items()}
        if set(columns) != {c.name for c in table.columns}:
            raise Unusable("columns do not match")
        found[table.name] = tables.Written(list(ids), list(reads), list(lengths), list(sort_keys), columns)
    back = data["back"]
    if sorted(back) != _backward():
        raise Unusable("backward predicates do not match")
    return _Kept(found, csv, paths, back)


def _opened(path: Path, sha256: str, known: Mapping[tuple[int, int], str], stack: contextlib.ExitStack) -> Buffer:
    """The bytes of ``path`` (mapped), if its SHA-256 is ``sha256`` (known already by device and inode, or read)."""
    handle = stack.enter_context(path.open("rb"))
    status = os.fstat(handle.fileno())
    found = known.get((status.st_dev, status.st_ino)) or hashlib.file_digest(handle, "sha256").hexdigest()
    if found != sha256:
        raise Unusable(f"{path.name} damaged")
    if status.st_size == 0:
        return b""
    return stack.enter_context(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))


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
        if self.seen is not None:
            self.seen.add(subject.value)
        return self._of(subject.form).get(predicate) or []

    def subjects(self, obj: Value, predicate: str) -> list[Value]:
        if self.seen is not None:
            self.seen.add(tables.backward(predicate, obj.value))
        if predicate not in self.backward:
            raise Unusable(f"subjects of {predicate} not kept")
        return sorted({tables.iri_value(s) for s in self.backward[predicate].get(obj.value, ())})

    def about(self, cells: list[Value], predicate: str) -> list[Value]:
        about = [cell for cell in cells if cell.iri]
        if self.seen is not None:
            self.seen.update((cell.value, predicate) for cell in about)
        return [found for cell in about for found in self._of(cell.form).get(predicate, ())]

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
    """What the changed lines touch: the subjects and the backward reads (:data:`.tables.Reads`), the
    subjects whose classes or deprecation changed, and the pairs of each predicate added and removed."""

    reads: Reads
    typed: set[str]
    pairs_added: dict[str, set[tuple[str, str]]]
    pairs_removed: dict[str, set[tuple[str, str]]]


def _touched(changes: Changes, old: Backward) -> tuple[_Touched, Backward]:
    """What ``changes`` touch, and the subjects of each object read backwards in the new lines."""
    touched = _Touched(set(), set(), {}, {})
    new = {predicate: dict(found) for predicate, found in old.items()}
    for sign, lines in ((1, changes.added), (-1, changes.removed)):
        pairs = touched.pairs_added if sign > 0 else touched.pairs_removed
        for line in lines:
            subject_form, predicate_form, obj = split(line)
            subject, predicate = bulk.iri(subject_form), bulk.iri(predicate_form)
            if predicate in (_TYPE, _DEPRECATED):
                touched.typed.add(subject)
            if predicate in tables.READ:
                touched.reads.update((subject, (subject, predicate)))
            if not obj.startswith(b"<"):
                continue
            target = bulk.iri(obj)
            pairs.setdefault(predicate, set()).add((subject, target))
            if predicate in tables.READ_BACKWARDS:
                touched.reads.add(tables.backward(predicate, target))
            if predicate in new:
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
    """A table's rows on a rebuild: their ids in order, those made again (their CSV line, reads and sort key),
    and the summaries of the columns."""

    ids: list[Any]
    made: dict[Any, tuple[bytes, Reads, tables.SortKey]]
    summaries: dict[str, Summary]
    same: bool


def _planned(table: Table, kept: _Kept, touched: _Touched, old: Lookup, new: Lookup) -> _TablePlan:
    last = kept.tables[table.name]
    ids = _ids(table, last.ids, touched, new)
    place = {row_id: at for at, row_id in enumerate(last.ids)}
    again = [i for i in ids if i not in place or not touched.reads.isdisjoint(last.reads[place[i]])]
    gone = set(place).difference(ids)
    found = {name: Summary.from_data(summary.as_data()) for name, summary in last.summaries.items()}
    for row_id in itertools.chain(gone, (i for i in again if i in place)):
        _count(found, table, tables.row(table, old, table.rows.key(row_id)), -1)
    made = {}
    for row_id in again:
        seen: Reads = set()
        new.seen = seen
        cells = tables.row(table, new, table.rows.key(row_id))
        new.seen = None
        _count(found, table, cells, 1)
        order = tables.sort_key(table, cells) if table.order else ()
        made[row_id] = (tables.row_line(table, cells).encode("utf-8"), seen, order)
    if table.order:
        keys = dict(zip(last.ids, last.sort_keys, strict=True))
        ids.sort(key=lambda i: made[i][2] if i in made else keys[i])
    return _TablePlan(ids, made, found, not again and not gone)


def _count(found: dict[str, Summary], table: Table, cells: tables.Row, sign: int) -> None:
    for column in table.columns:
        found[column.name].add(Summary.of([cells[column.name]]), sign)


def _ids(table: Table, last: list[Any], touched: _Touched, new: Lookup) -> list[Any]:
    """The ids of the table's rows in the new lines, in the order of :attr:`.tables.Table.rows`."""
    rows = table.rows
    if isinstance(rows, tables.Instances):
        if not touched.typed:
            return list(last) if not table.order else sorted(last, key=_form)
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
    last = kept.tables[table.name]
    if plan.same:
        files.link(table.file_name, kept.paths[table.name])
        lengths, reads, sort_keys = last.lengths, last.reads, last.sort_keys
    else:
        lengths, reads, sort_keys = _write_csv(table, plan, kept, files)
    files.put(table.metadata_name, tables.metadata_bytes(table, plan.summaries, col.licence_iri))
    return tables.Written(plan.ids, reads, lengths, sort_keys, plan.summaries)


def _write_csv(
    table: Table, plan: _TablePlan, kept: _Kept, files: Directory
) -> tuple[list[int], list[Reads], list[tables.SortKey]]:
    """Write the CSV: the lines of the rows made again, and the last build's of the others (runs of them
    that follow each other there copied at once); each row's length, reads and sort key."""
    last, csv = kept.tables[table.name], kept.csv[table.name]
    offsets = list(itertools.accumulate(last.lengths))  # where each row's line ends (the header's first)
    place = {row_id: at for at, row_id in enumerate(last.ids)}
    lengths, reads, sort_keys = [last.lengths[0]], [], []
    with files.stream(table.file_name) as sink:
        start, end = 0, last.lengths[0]  # the run of the last build's bytes to copy next
        for row_id in plan.ids:
            again = plan.made.get(row_id)
            if again is None:
                at = place[row_id]
                if offsets[at] != end:
                    sink.write(csv[start:end])
                    start = offsets[at]
                end = offsets[at + 1]
                lengths.append(last.lengths[at + 1])
                reads.append(last.reads[at])
                if table.order:
                    sort_keys.append(last.sort_keys[at])
                continue
            sink.write(csv[start:end])
            start = end = 0
            line, seen, order = again
            sink.write(line)
            lengths.append(len(line))
            reads.append(seen)
            if table.order:
                sort_keys.append(order)
        sink.write(csv[start:end])
    return lengths, reads, sort_keys
