"""Running compiled checks: the data in an in-memory Oxigraph store, the focus nodes
materialized, the queries run two at a time, the violations sorted into a report.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import sys
from collections.abc import Mapping
from typing import Final

from pyoxigraph import RdfFormat, Store, Triple, serialize

from ...records.model import Origin
from ..report import Report, Violation
from .compiler import compile_shapes
from .findings import violations_of
from .literals import mark_ill_typed, wrap_datatypes
from .program import Program
from .terms import FOCUS, SUBCLASS

#: Queries run at once (the checks are independent; a build machine has two cores).
THREADS: Final = 2


def data_store(triples: list[Triple]) -> Store:
    """An in-memory store of the triples (in the default graph), typed literals wrapped (see above)."""
    store = Store()
    data = wrap_datatypes(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
    store.load(data, format=RdfFormat.N_TRIPLES, lenient=True)  # terms were checked when made
    return store


def run(program: Program, store: Store, by_iri: Mapping[str, Origin] | None = None) -> Report:
    """Run compiled checks over ``store`` (which gains the engine's bookkeeping graphs)."""
    mark_ill_typed(store, program)
    for sid, where in program.focus.items():
        store.update(f"INSERT {{ GRAPH <{FOCUS}> {{ <{sid}> <{FOCUS}> ?f }} }} WHERE {{ {where} }}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as pool:  # Oxigraph runs queries without the GIL
        found = pool.map(lambda check: list(violations_of(check, store, by_iri or {})), program.checks)
        violations = sorted((v for some in found for v in some), key=Violation.sort_key)
    conforms = all(v.severity != "sh:Violation" for v in violations)
    return Report(conforms=conforms, violations=violations)


def validate_triples(triples: list[Triple], shapes: list[Triple], by_iri: Mapping[str, Origin] | None = None) -> Report:
    """Validate ``triples`` against ``shapes`` with this engine (:class:`UnsupportedShapeError` if it cannot)."""
    program = compile_shapes(shapes)  # refuses unsupported shapes before any work is done
    store = data_store(triples)
    try:
        if not store.query(f"ASK {{ ?a {SUBCLASS} ?b }}"):
            program = compile_shapes(shapes, subclasses=False)
        return run(program, store, by_iri)
    finally:
        del store
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the freed store's memory to the system, before the dumps are written (glibc keeps it otherwise).

    A million triples take ~300 MB in the store; without this the peak of a build is that much higher.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
