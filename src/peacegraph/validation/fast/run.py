"""Running compiled checks: the data in an in-memory Oxigraph store, the focus nodes
materialized, the conditions decided in order, then the reporting queries run two at a time (from
both ends of the list) and the violations sorted into a report.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import itertools
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from pyoxigraph import Literal, Quad, RdfFormat, Store, Triple, serialize

from ...beside import Beside
from ...rdf.lines import Lines
from ...rdf.spill import SpilledLines
from ...records.model import Origin
from ..report import Report, Violation
from ..segments import Digests
from .compiler import compile_shapes
from .findings import Result, failures_of, results_of
from .literals import blocks, mark_ill_typed, wrap, wrap_datatypes, wrapped_blocks
from .program import Check, Program, Update
from .terms import SUBCLASS, Term

#: Blocks of lines (of a megabyte each) loaded into the store by one call. Oxigraph holds what one load
#: adds until it ends (a load is a transaction): at ten million triples, loaded at once, that was 380 MB
#: above the store itself, the validation's and the build's peak; 64 MB at a time, it is a few.
BLOCKS_PER_LOAD: Final = 64


def data_store(triples: Iterable[Triple], digests: Digests | None = None) -> Store:
    """An in-memory store of the triples (in the default graph), typed literals wrapped (see above).

    Blank nodes keep their labels (loading N-Triples would rename them), so that results name the
    data's own nodes. Canonical N-Triples (:class:`~peacegraph.rdf.lines.Lines`, which has no blank
    nodes, or the file they are spilled to) are loaded as they are, without being read as triples
    first; ``digests`` notes the segments they are loaded in (for an incremental validation).
    """
    store = Store()
    if isinstance(triples, Lines | SpilledLines):  # wrapped a block at a time, never copied whole
        with contextlib.ExitStack() as stack:
            source = triples.data if isinstance(triples, Lines) else stack.enter_context(triples.open())
            chunks = blocks(source) if digests is None else digests.through(blocks(source))
            while (first := next(chunks, None)) is not None:  # a load at a time: see BLOCKS_PER_LOAD
                more = itertools.islice(chunks, BLOCKS_PER_LOAD - 1)
                store.load(wrapped_blocks(itertools.chain([first], more)), format=RdfFormat.N_TRIPLES, lenient=True)
        return store
    data = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    if b"_:" in data:  # maybe a blank node (or text that looks like one): keep the labels
        store.extend(
            Quad(t.subject, t.predicate, wrap(t.object) if isinstance(t.object, Literal) else t.object) for t in triples
        )
        return store
    store.load(wrap_datatypes(data), format=RdfFormat.N_TRIPLES, lenient=True)  # terms were checked when made
    return store


def results(program: Program, store: Store) -> list[Result]:
    """The results of compiled checks over ``store`` (which gains the engine's bookkeeping graphs)."""
    return [result for _root, result in rooted_results(program, store)]


def rooted_results(program: Program, store: Store) -> list[tuple[Term, Result]]:
    """:func:`results`, each with its root (the target focus node it was found for, see ``results_of``)."""
    mark_ill_typed(store, program)
    reporting: list[Check] = []
    for step in program.steps:
        if isinstance(step, Update):
            store.update(step.update)
        elif step.mark is not None:
            store.extend(list(failures_of(step, store)))
        else:
            reporting.append(step)
    return [result for some in _from_both_ends(reporting, store) for result in some]


def _from_both_ends(checks: list[Check], store: Store) -> list[list[tuple[Term, Result]]]:
    """The results of each check, in order, found by two threads (Oxigraph runs queries without the GIL):
    this one runs the checks from the first on, one :class:`.Beside` it from the last back, until they meet.

    A shape's checks are next to each other, and read the same triples: two threads reading the same
    lists of Oxigraph's in-memory store at once each run slower (its nodes' reference counts are
    written by both). Run from both ends, the two threads are mostly on different shapes; handed out
    in order, they were on the same one, and took a tenth more CPU at a million triples."""
    found: list[list[tuple[Term, Result]]] = [[] for _check in checks]
    pending = collections.deque(range(len(checks)))

    def work(take: Callable[[], int]) -> None:
        try:
            while pending:
                try:
                    at = take()
                except IndexError:  # the other thread took the last
                    return
                found[at] = list(results_of(checks[at], store))
        except BaseException:
            pending.clear()  # the other thread stops after the check it is running
            raise

    with Beside(lambda _stop: work(pending.pop), "the checks from the last"):
        work(pending.popleft)
    return found


def run(program: Program, store: Store, by_iri: Mapping[str, Origin] | None = None) -> Report:
    """Run compiled checks over ``store``: a report that conforms when there is no result at all (SHACL §3.1)."""
    return report_of([r.violation(by_iri or {}) for r in results(program, store)])


def report_of(violations: list[Violation]) -> Report:
    """The report of ``violations``, in an order that depends on them alone (not on the order they were found)."""
    ordered = sorted(violations, key=Violation.full_key)
    return Report(conforms=not ordered, violations=ordered)


def validate_triples(
    triples: Iterable[Triple], shapes: list[Triple], by_iri: Mapping[str, Origin] | None = None
) -> Report:
    """Validate ``triples`` against ``shapes`` with this engine (:class:`UnsupportedShapeError` if it cannot)."""
    program = compile_shapes(shapes, subclasses=False)  # refuses unsupported shapes before any work is done
    give_back_memory()  # what the records and the mapping left, before the store takes its share
    store = data_store(triples)
    try:
        return report_of([r.violation(by_iri or {}) for _root, r in checked(program, shapes, store)[1]])
    finally:
        del store
        give_back_memory()


def checked(program: Program, shapes: list[Triple], store: Store) -> tuple[bool, list[tuple[Term, Result]]]:
    """Whether the data has ``rdfs:subClassOf`` triples, and the results, with their roots, of ``program``
    (compiled from ``shapes`` without subclasses, which is much faster); compiled again with them when the
    data has some (most data has none: a compilation saved, a tenth of a second)."""
    subclasses = bool(store.query(f"ASK {{ ?a {SUBCLASS} ?b }}"))
    if subclasses:
        program = compile_shapes(shapes)
    return subclasses, rooted_results(program, store)


def evaluate(triples: Iterable[Triple], shapes: list[Triple]) -> list[Result]:
    """The validation results of ``triples`` against ``shapes``, terms as in the data (for comparisons with reports)."""
    program = compile_shapes(shapes)
    return results(program, data_store(triples))


def give_back_memory() -> None:
    """Return freed memory to the system (glibc keeps it otherwise): before the store is made, and
    the freed store's before the dumps are written.

    A million triples take ~300 MB in the store; without this the peak of a build is that much higher.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
