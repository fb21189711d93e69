"""Validation on a rebuild: only the focus nodes a change can reach are validated again.

A full validation (:func:`validate`, with ``fresh``) keeps, for the next build of the same release,
its results keyed by their *root* (the target focus node each was found for, see
``fast.findings.results_of``), the digests of the segments of the lines it validated
(:mod:`.segments`), whether the data had ``rdfs:subClassOf`` triples, and a digest of the shapes.
The next build, given that keep (``previous``) and the lines validated then (``previous_lines``):

1. finds the lines removed and added (:func:`.segments.changes`), the previous lines checked first;
2. finds the roots whose results a changed triple can change (:func:`.reach.affected`): from the shapes,
   the paths they follow from a root and what they read at each node reached (:mod:`.footprint`);
   a changed triple read at a node is followed back along the path to the roots it is reached from;
3. copies the part of the new graph those roots' footprints cover (:func:`.reach.extract`), and
   every ``rdfs:subClassOf`` triple if the data has any, into a small store, and runs the same
   compiled shapes on it: the results of the affected roots are those a
   full validation finds (their footprints are whole in it), and those of any other root there are
   dropped (its footprint may be cut short);
4. takes every other root's results from the keep, and attaches today's seed file and line to all.

Why it is sound: a root's results depend only on its footprint's triples and the class hierarchy
(the queries start at the root and follow the shapes' paths; class membership is by ``rdf:type``
and the ``rdfs:subClassOf`` triples, which the store has all of, and which did not change: a change
to one is validated in full); if a changed triple is in the old or the new footprint of a
root, it is read at a node reached by a path whose triples, up to the first changed one, are in
the new graph, and :func:`affected` walks that path back from the node it is read at. The report
lists the violations in an order they alone decide (:meth:`.report.Violation.full_key`), so merged
results come out as a full validation gives them.

It falls back to the full validation (which writes a new keep) whenever a step cannot be proven or
would cost more than it saves: no keep, a damaged one (every file is checked against a digest),
other shapes, shapes the fast engine refuses, paths of unbounded length, a changed
``rdfs:subClassOf`` triple, or a change that reaches too many roots or needs too many searches of
the whole text.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import mmap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Final

from pyoxigraph import RdfFormat, Triple, parse

from .. import __version__, isolated
from ..rdf.lines import Lines
from ..rdf.namespaces import RDFS
from ..rdf.sorted_lines import SortedLines, TooCostly, split
from ..rdf.spill import SpilledLines
from ..records.model import Origin
from . import fast
from .fast import literals
from .fast.compiler import compile_shapes
from .fast.program import Program
from .fast.run import checked, data_store, give_back_memory, report_of, rooted_results
from .fast.shapes import ShapesGraph, UnsupportedShapeError, read_shapes
from .footprint import UnboundedError, footprint
from .reach import affected, extract
from .report import Report, Violation, origin_of
from .segments import Digests, Segment, changes, decode, encode

#: The keep's files: the results and segments (JSON), and its SHA-256.
KEEP: Final = "validation.json"
KEEP_DIGEST: Final = "validation.json.sha256"
FORMAT: Final = 1
#: Past these, a full validation is about as fast, and certainly simpler.
MAX_CHANGED_LINES: Final = 20_000
MAX_ROOTS: Final = 2_000
MAX_SEARCHES: Final = 8
MAX_EXTRACTED: Final = 200_000

SUBCLASS: Final = f"<{RDFS}subClassOf>".encode()


def validate(
    triples: Lines | SpilledLines,
    shape_files: Path | list[Path],
    by_iri: Mapping[str, Origin],
    previous: Path | None = None,
    previous_lines: Path | None = None,
    fresh: Path | None = None,
    reused: dict[str, str] | None = None,
) -> Report:
    """The report :func:`.fast.validate` gives, from the keep of the last build where it can (see above);
    a keep for the next build written into ``fresh`` (if given); ``reused`` is told how many focus nodes
    were validated again, when the keep was used."""
    shapes = read_shapes(shape_files)
    try:
        program = compile_shapes(shapes, subclasses=False)  # as most data needs it (see fast.run.checked)
    except UnsupportedShapeError:
        return fast.validate(triples, shape_files, by_iri)  # pySHACL, with its warning; nothing kept
    shapes_digest = _shapes_digest(shape_files)
    with _buffer(triples) as data:
        if previous is not None and previous_lines is not None:
            again = _again(shapes, SortedLines(data, MAX_SEARCHES), by_iri, previous, previous_lines, shapes_digest)
            if again is not None:
                report, kept, roots = again
                if fresh is not None:
                    kept.write(fresh)
                if reused is not None:
                    reused["validate"] = f"{roots} focus nodes validated again"
                return report
    return _full(triples, (shapes, program), by_iri, fresh, shapes_digest)


@dataclass(frozen=True)
class Kept:
    """What a validation keeps for the next: see the module's description. ``results`` have no origin."""

    shapes: str
    subclasses: bool
    segments: list[Segment]
    results: list[tuple[str, Violation]]

    def write(self, folder: Path) -> None:
        rows = [[root, *_fields(v)] for root, v in self.results]
        data = {"format": FORMAT, "shapes": self.shapes, "subclasses": self.subclasses}
        data |= {"segments": encode(self.segments), "results": rows}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        (folder / KEEP).write_bytes(text)
        (folder / KEEP_DIGEST).write_text(hashlib.sha256(text).hexdigest() + "\n", encoding="ascii")


def read_kept(folder: Path) -> Kept | None:
    """The keep in ``folder`` if it is whole (its digest matches), else None."""
    try:
        text = (folder / KEEP).read_bytes()
        if (folder / KEEP_DIGEST).read_text(encoding="ascii").strip() != hashlib.sha256(text).hexdigest():
            return None
        data = json.loads(text)
        if data["format"] != FORMAT:
            return None
        results = [(str(row[0]), _violation(row[1:])) for row in data["results"]]
        return Kept(str(data["shapes"]), data["subclasses"] is not False, decode(data["segments"]), results)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _fields(v: Violation) -> list[str | None]:
    return [v.focus, v.path, v.constraint, v.severity, v.message, v.value, v.explanation]


def _violation(row: list[str | None]) -> Violation:
    focus, path, constraint, severity, message, value, explanation = row
    if not all(isinstance(x, str) for x in (focus, constraint, severity, message)):
        raise ValueError("a malformed result")
    return Violation(str(focus), path, str(constraint), str(severity), str(message), value, None, explanation)


def _shapes_digest(shape_files: Path | list[Path]) -> str:
    """What the results depend on besides the data: the shapes as written, and this engine."""
    files = sorted(Path(shape_files).glob("*.ttl")) if isinstance(shape_files, Path) else shape_files
    digest = hashlib.sha256(f"peacegraph {__version__} keep {FORMAT}\n".encode())
    for path in files:
        content = path.read_bytes()
        digest.update(f"{len(content)}\n".encode() + content)
    return digest.hexdigest()


@contextlib.contextmanager
def _buffer(triples: Lines | SpilledLines) -> Iterator[bytes | mmap.mmap]:
    """The lines' bytes: the file of spilled lines mapped, not read."""
    if isinstance(triples, Lines) or triples.path.stat().st_size == 0:
        yield triples.data if isinstance(triples, Lines) else b""
        return
    with triples.open() as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


def _full(
    triples: Lines | SpilledLines,
    compiled: tuple[list[Triple], Program],
    by_iri: Mapping[str, Origin],
    fresh: Path | None,
    digest: str,
) -> Report:
    """The full validation (as :func:`.fast.validate_triples`) of the ``shapes`` and their program,
    noting what the next build needs."""
    give_back_memory()  # what the records and the mapping left, before the store takes its share
    subclasses, results, segments = isolated.call(
        partial(_validated, triples, compiled), "the validation", freed=give_back_memory
    )
    if fresh is not None:
        Kept(digest, subclasses, segments, results).write(fresh)
    return report_of([_placed(v, by_iri) for _root, v in results])


def _validated(
    triples: Lines | SpilledLines, compiled: tuple[list[Triple], Program], leftovers: list[object]
) -> tuple[bool, list[tuple[str, Violation]], list[Segment]]:
    """Whether the data has subclass triples, the results (by the target focus node they were found for,
    without origins), and the segments of the lines as loaded. Run in a process of its own where it can
    be (:mod:`peacegraph.isolated`), which ends without taking the store apart: the store is left over."""
    digests = Digests()
    store = data_store(triples, digests)
    leftovers.append(store)
    subclasses, rooted = checked(compiled[1], compiled[0], store)
    return subclasses, [(str(root), result.violation({})) for root, result in rooted], digests.segments


def _placed(v: Violation, by_iri: Mapping[str, Origin]) -> Violation:
    """``v`` with the seed file and line of today's record of its focus node."""
    return dataclasses.replace(v, origin=origin_of(v.focus, by_iri))


def _again(
    shapes: list[Triple],
    data: SortedLines,
    by_iri: Mapping[str, Origin],
    previous: Path,
    previous_lines: Path,
    digest: str,
) -> tuple[Report, Kept, int] | None:
    """The report from the keep in ``previous`` and what changed since, and how many focus nodes were
    validated again; None where that cannot be done."""
    kept = read_kept(previous)
    if kept is None or kept.shapes != digest:
        return None
    try:
        found = changes(kept.segments, data, previous_lines, literals.LOAD_BLOCK)
        changed = (found.removed | found.added) if found is not None else set()
        if found is None or len(changed) > MAX_CHANGED_LINES or any(split(x)[1] == SUBCLASS for x in changed):
            return None
        shapes_footprint = footprint(ShapesGraph(shapes))
        roots = affected(shapes_footprint, data, changed)
        hierarchy = data.with_predicate(SUBCLASS) if kept.subclasses else []
        lines = extract(shapes_footprint, data, roots, hierarchy) if len(roots) <= MAX_ROOTS else None
    except (OSError, UnboundedError, TooCostly, ValueError):
        return None
    if lines is None or len(lines) > MAX_EXTRACTED:
        return None
    again = _texts(roots)
    fresh = _revalidated(shapes, lines.union(hierarchy), again, kept.subclasses)
    results = fresh + [(root, v) for root, v in kept.results if root not in again]
    report = report_of([_placed(v, by_iri) for _root, v in results])
    return report, Kept(digest, kept.subclasses, found.segments, results), len(again)


def _revalidated(
    shapes: list[Triple], lines: set[bytes], roots: set[str], subclasses: bool
) -> list[tuple[str, Violation]]:
    """The results of ``roots`` (written as :func:`_texts` writes them) in a store of ``lines``, which
    hold their footprints (and every ``rdfs:subClassOf`` triple of the data, if it has any)."""
    store = data_store(Lines(b"".join(line + b"\n" for line in sorted(lines)), len(lines)))
    rooted = rooted_results(compile_shapes(shapes, subclasses=subclasses), store)
    return [(key, result.violation({})) for root, result in rooted if (key := str(root)) in roots]


def _texts(nodes: set[bytes]) -> set[str]:
    """The nodes (as lines write them) as the store's terms write them."""
    subject = b"<urn:peacegraph:incremental:node> "
    document = b"".join(subject + subject + node + b" .\n" for node in sorted(nodes))
    return {str(quad.object) for quad in parse(document, RdfFormat.N_TRIPLES)}
