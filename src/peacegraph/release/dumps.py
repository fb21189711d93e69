"""The release's dumps (N-Triples, gzipped N-Triples, Turtle, JSON-LD), the tables' index and the
statistics, written from the canonical lines; on a rebuild, with what the last build wrote of the
segments that did not change.

The lines are cut into content-defined segments (:mod:`..rdf.segments`): whole subjects, cut where
no edit elsewhere moves the cut. The Turtle and the JSON-LD of the lines are a header, then what each
segment gives alone, in order (JSON-LD's node objects joined by ``,\\n``), then a tail; and each
figure of ``void.ttl`` but one is a sum, a maximum or a first of what the segments give
(:class:`.metadata.Summary`). A build leaves in its keep (``fresh``) what each segment gave:

- ``segments.json``: the SHA-256 of the rest of the file on its first line; then, as JSON, what the
  outputs depend on besides the lines (:func:`_depends`), the SHA-256 of each file below and of the
  N-Triples dump, and each segment's first subject, length, place in the Turtle and the JSON-LD,
  and summary;
- ``peacegraph.ttl``, ``peacegraph.jsonld``: the release's dumps (hard links where the folders share a
  file system, else copies).

A rebuild reuses a segment only when the keep is whole (every file has the SHA-256 ``segments.json``
gives, and so has ``previous_lines``: the lines the keep describes) and the new lines hold, between
two cuts, exactly the bytes of one of the old segments: its outputs are then what writing it again
gives, byte for byte. Every other segment is written again from the new lines. The count of distinct
objects, the one figure of ``void.ttl`` that is not made of the segments', is counted again over all
the lines, as the tables' index reads them all anyway. Anything unexpected in the keep (a file
missing, damaged, from another build) makes the whole work be done; it never changes a byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pyoxigraph

from .. import __version__
from ..beside import Beside
from ..rdf import bulk, segments, serialize
from ..rdf.formats import Format
from ..rdf.lines import Lines
from ..rdf.namespaces import PREFIXES, active
from ..rdf.spill import SpilledLines
from . import metadata, retable, tables
from .files import DUMP_STEM
from .keep import NOTHING, Stage
from .writing import Directory

#: What a keep's ``segments.json`` says it is; another value is another format, not read.
FORMAT: Final = "peacegraph dumps keep 3"
MANIFEST: Final = "segments.json"
TURTLE: Final = Format.TURTLE.dump_name(DUMP_STEM)
JSONLD: Final = Format.JSONLD.dump_name(DUMP_STEM)
NTRIPLES: Final = Format.NTRIPLES.dump_name(DUMP_STEM)


@dataclass(frozen=True)
class Segment:
    """What a build wrote of one segment of its lines."""

    #: The subject of its first line (``<iri>``).
    first: str
    #: Where its lines are in the N-Triples dump, and how many bytes they are.
    offset: int
    length: int
    #: Where what it gave is in the Turtle and in the JSON-LD dump, and how many bytes.
    turtle: tuple[int, int]
    jsonld: tuple[int, int]
    summary: metadata.Summary

    def as_json(self) -> list[Any]:
        return [self.first, self.offset, self.length, list(self.turtle), list(self.jsonld), self.summary.as_json()]

    @classmethod
    def from_json(cls, value: list[Any]) -> Segment:
        first, offset, length, turtle, jsonld, summary = value
        return cls(
            str(first),
            int(offset),
            int(length),
            (int(turtle[0]), int(turtle[1])),
            (int(jsonld[0]), int(jsonld[1])),
            metadata.Summary.from_json(summary),
        )


@contextlib.contextmanager
def _source(graph: Lines | SpilledLines) -> Iterator[segments.Source]:
    if isinstance(graph, Lines):
        yield segments.InMemory(graph.data)
    else:
        with graph.open() as handle:
            yield segments.InFile(handle)


@dataclass
class _Kept:
    """A keep read and checked (:func:`_checked`): its segments and files, open."""

    old: list[Segment]
    turtle: segments.InFile
    jsonld: segments.InFile
    lines: segments.InFile
    #: The segment that begins with each subject.
    by_first: dict[bytes, int]
    #: The SHA-256 of the lines the keep was made with.
    sha256: str


def write(
    graph: Lines | SpilledLines, files: Directory, keep: Stage = NOTHING, reused: dict[str, str] | None = None
) -> tuple[tables.Index | retable.Changes, metadata.Statistics]:
    """Write the dumps of ``graph`` into ``files``, reusing ``keep.previous`` where it is whole, and
    leave in ``keep.fresh`` what the next build can reuse. What the tables are written from (the index
    of the lines, or when the keep was whole the lines that changed since it was made: :mod:`.retable`)
    and the statistics; ``reused`` is told how many segments were reused, when the keep was."""
    previous, previous_lines, fresh = keep.previous, keep.previous_lines, keep.fresh
    index: tables.Index | None = tables.Index()
    changes = None
    with contextlib.ExitStack() as stack:
        # waited for when the block ends (before the keep and the tables read the lines' SHA-256)
        stack.enter_context(Beside(lambda stop: _lines(graph, files, stop), "the N-Triples dumps"))
        plan = None
        if previous is not None and previous_lines is not None and graph.as_lines:
            source = stack.enter_context(_source(graph))
            plan = _planned(source, previous, previous_lines, stack, keep.known)
        turtle = serialize.TurtleWriter(stack.enter_context(files.stream(TURTLE))) if graph.as_lines else None
        jsonld = serialize.JsonLdWriter(stack.enter_context(files.stream(JSONLD)))
        if plan is not None:
            index = None  # the tables are written from the changes
        writer = _Writer(turtle, jsonld, index)
        if plan is None:
            writer.whole(graph)
        else:
            writer.again(source, plan)
            changes = _changes(graph, source, plan, keep)
            if reused is not None:
                same = sum(index is not None for index, _start, _end in plan.pieces)
                reused["serialize"] = f"{same} of {len(plan.pieces)} segments of the dumps as last time"
        jsonld.close()
    if not graph.as_lines:  # the Turtle is in canonical order, which is not the lines' (nothing is kept)
        with files.stream(TURTLE) as sink:
            serialize.write_turtle(iter(graph), sink)
    elif fresh is not None:
        _keep(fresh, files, writer.written)
    stats = metadata.combined((s.summary for s in writer.written), len(writer.objects))
    if changes is not None:
        return changes, stats
    assert index is not None
    return index, stats


def _lines(graph: Lines | SpilledLines, files: Directory, stop: threading.Event) -> None:
    """The N-Triples dump and the gzipped N-Triples (written :class:`.Beside` the others: linking, zlib and
    hashing let other threads run), cut short once ``stop`` is set.

    Set-aside lines are linked as the N-Triples dump, and hashed as they are read to be compressed: read
    back a quarter of a megabyte at a time, as a file is checked, they took a thousand turns at Python's
    lock from the thread making the other dumps (0.1 s of CPU at a million triples)."""
    blocks = itertools.takewhile(lambda _block: not stop.is_set(), graph.blocks())
    if not isinstance(graph, SpilledLines):
        with files.stream(NTRIPLES) as sink:
            for block in graph.blocks():
                sink.write(block)
        with files.stream(metadata.gzip_name(DUMP_STEM)) as sink:
            serialize.write_gzipped(blocks, sink)
        return
    digest = hashlib.sha256()
    with files.stream(metadata.gzip_name(DUMP_STEM)) as sink:
        serialize.write_gzipped(_passing(blocks, digest.update), sink)
    if not stop.is_set():  # else the release is not made: the error that stopped it is raised
        files.link(NTRIPLES, graph.path, digest.hexdigest())


def _passing(blocks: Iterable[bytes], seen: Callable[[bytes], None]) -> Iterator[bytes]:
    """``blocks``, each given to ``seen`` as it passes."""
    for block in blocks:
        seen(block)
        yield block


def _changes(graph: Lines | SpilledLines, source: segments.Source, plan: _Plan, keep: Stage) -> retable.Changes:
    """The lines of ``graph`` that the lines the keep was made with have not, and the other way round: those
    of the segments not reused on either side."""
    used = {index for index, _start, _end in plan.pieces if index is not None}
    kept = plan.kept
    old = b"".join(kept.lines.read(s.offset, s.length) for at, s in enumerate(kept.old) if at not in used)
    new = b"".join(source.read(start, end - start) for index, start, end in plan.pieces if index is None)
    before, after = set(old.split(b"\n")), set(new.split(b"\n"))
    before.discard(b"")
    after.discard(b"")
    assert keep.previous_lines is not None
    return retable.Changes(graph, keep.previous_lines, kept.sha256, sorted(after - before), sorted(before - after))


class _Writer:
    """The Turtle and JSON-LD of segments, written or reused, and what the keep says of them."""

    def __init__(
        self, turtle: serialize.TurtleWriter | None, jsonld: serialize.JsonLdWriter, index: tables.Index | None
    ):
        self.turtle, self.jsonld, self.index = turtle, jsonld, index
        self.written: list[Segment] = []
        self.offset = 0  # where the next segment's lines begin in the N-Triples
        self.objects: set[bytes] = set()  # every object of the lines written (with the line's " .")

    def whole(self, graph: Lines | SpilledLines) -> None:
        """Write every segment of ``graph``."""
        self.add(segments.pieces(bulk.chunks_of(graph)))

    def add(self, pieces: Iterable[tuple[bulk.Chunk, bool]]) -> None:
        """Write segments from their lines, given a piece at a time (:func:`.segments.pieces`)."""
        made: list[bytes] = []  # the lines of the segment so far
        tally = metadata.Tally(self.objects)
        start = self.jsonld.mark() + len(self.jsonld.separator)
        for piece, last in pieces:
            self.jsonld.add(piece)
            if self.index is not None:
                self.index.add(piece)
            tally.add(piece)
            made.append(piece.data)
            if last:
                self.made(made, tally.summary(), start)
                made, tally = [], metadata.Tally(self.objects)
                start = self.jsonld.mark() + len(self.jsonld.separator)

    def made(self, pieces: list[bytes], summary: metadata.Summary, start: int) -> None:
        """Finish a segment written from its lines (``pieces``), whose JSON-LD began at ``start``."""
        lines = b"".join(pieces)
        jsonld = (start, self.jsonld.mark() - start)
        turtle = (0, 0)
        if self.turtle is not None:
            body = self.turtle.add(lines)
            turtle = (self.turtle.sink.tell() - len(body), len(body))
        first = lines[: lines.index(b" ")].decode("utf-8")
        self._record(Segment(first, self.offset, len(lines), turtle, jsonld, summary))

    def reuse(self, old: Segment, kept: _Kept, lines: bytes) -> None:
        """Write one segment (whose ``lines`` are the same as ``old``'s) as the keep has it."""
        assert self.turtle is not None  # a keep is read only for lines in canonical order
        body = kept.turtle.read(*old.turtle)
        self.turtle.put(body)
        turtle = (self.turtle.sink.tell() - len(body), len(body))
        start = self.jsonld.mark() + len(self.jsonld.separator)
        self.jsonld.put(kept.jsonld.read(*old.jsonld))
        self.objects.update(bulk.objects(lines))
        self._record(Segment(old.first, self.offset, old.length, turtle, (start, old.jsonld[1]), old.summary))

    def _record(self, segment: Segment) -> None:
        self.written.append(segment)
        self.offset += segment.length

    def again(self, source: segments.Source, plan: _Plan) -> None:
        """Write the segments of the lines in ``source`` as ``plan`` says."""
        for index, start, end in plan.pieces:
            if index is None:
                self.add(segments.pieces(bulk.chunks(source.read(start, end - start))))
            else:
                self.reuse(plan.kept.old[index], plan.kept, source.read(start, end - start))


@dataclass(frozen=True)
class _Plan:
    """How the lines are written again from a keep: their segments, each the keep's segment with the same
    lines (its index) or None, and where it begins and ends."""

    kept: _Kept
    pieces: list[tuple[int | None, int, int]]


def _planned(
    source: segments.Source,
    previous: Path,
    lines: Path,
    stack: contextlib.ExitStack,
    known: Mapping[tuple[int, int], str],
) -> _Plan | None:
    """How the lines in ``source`` can be written from the keep ``previous`` of the lines ``lines``; None
    if the keep is not whole (nothing is written before this is known). ``known``: files hashed already."""
    try:
        kept = _checked(previous, lines, stack, known)
        return None if kept is None else _Plan(kept, list(_aligned(source, kept)))
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def _aligned(source: segments.Source, kept: _Kept) -> Iterator[tuple[int | None, int, int]]:
    """The segments of the lines in ``source``, each as the keep's segment with the same bytes (its
    index) or None, and where it begins and ends."""
    at = 0
    while at < source.size:
        index = kept.by_first.get(segments.subject_at(source, at))
        if index is not None:
            old = kept.old[index]
            end = at + old.length
            same = source.read(at, old.length) == kept.lines.read(old.offset, old.length)
            if same and segments.cut_at(source, at, end):
                yield index, at, end
                at = end
                continue
        end = segments.next_cut(source, at)
        yield None, at, end
        at = end


# --- the keep ---------------------------------------------------------------------------------


def _depends() -> str:
    """What the outputs of a segment depend on besides its lines (a keep made otherwise is not used): the
    cut, the collection's identifiers and prefixes, the JSON-LD context, the versions of the tool and of
    Oxigraph (whose writer makes the Turtle)."""
    space = active()
    made = [
        FORMAT,
        segments.MASK,
        space.id,
        sorted(space.jsonld_prefixes.items()),
        sorted(PREFIXES.items()),
        serialize.context_bytes().decode(),
        __version__,
        pyoxigraph.__version__,
    ]
    return hashlib.sha256(json.dumps(made).encode()).hexdigest()


def _keep(fresh: Path, files: Directory, written: list[Segment]) -> None:
    """Leave in ``fresh`` what the next build needs to reuse the segments ``written``."""
    for name in (TURTLE, JSONLD):
        try:
            os.link(files.root / name, fresh / name)
        except OSError:
            shutil.copyfile(files.root / name, fresh / name)
    body = json.dumps(
        {
            "format": FORMAT,
            "depends": _depends(),
            "lines": files.written[NTRIPLES].sha256,
            TURTLE: files.written[TURTLE].sha256,
            JSONLD: files.written[JSONLD].sha256,
            "segments": [segment.as_json() for segment in written],
        }
    ).encode()
    (fresh / MANIFEST).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _checked(
    previous: Path, previous_lines: Path, stack: contextlib.ExitStack, known: Mapping[tuple[int, int], str]
) -> _Kept | None:
    digest, _newline, body = (previous / MANIFEST).read_bytes().partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    manifest = json.loads(body)
    if manifest["format"] != FORMAT or manifest["depends"] != _depends():
        return None
    opened = {}
    for key, path in (("lines", previous_lines), (TURTLE, previous / TURTLE), (JSONLD, previous / JSONLD)):
        handle = stack.enter_context(path.open("rb"))
        status = os.fstat(handle.fileno())
        sha256 = known.get((status.st_dev, status.st_ino)) or hashlib.file_digest(handle, "sha256").hexdigest()
        if sha256 != manifest[key]:
            return None
        opened[key] = segments.InFile(handle)
    found = [Segment.from_json(value) for value in manifest["segments"]]
    if not _fits(found, opened["lines"].size, opened[TURTLE].size, opened[JSONLD].size):
        return None
    by_first = {s.first.encode("utf-8"): i for i, s in enumerate(found)}
    return _Kept(found, opened[TURTLE], opened[JSONLD], opened["lines"], by_first, str(manifest["lines"]))


def _fits(found: list[Segment], lines: int, turtle: int, jsonld: int) -> bool:
    """Whether the segments are the lines one after the other, and each one's Turtle and JSON-LD lie
    within those files (as a keep that is whole has them)."""
    offsets = [0, *itertools.accumulate(s.length for s in found)]
    if offsets[-1] != lines or any(s.offset != at for s, at in zip(found, offsets, strict=False)):
        return False
    return all(
        s.turtle[0] >= 0 and sum(s.turtle) <= turtle and s.jsonld[0] >= 0 and sum(s.jsonld) <= jsonld for s in found
    )
