"""Typed literals: wrapped in the store so that Oxigraph keeps them as written, and judged as
pySHACL judges them, by what rdflib makes of them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO, Final

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from ...rdf.bulk import blocks_from, blocks_of
from ...rdf.namespaces import XSD
from .program import Program
from .terms import ILL_TYPED, WRAPPED, Term

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: Datatypes whose values rdflib makes Python ints (and compares as such).
INTEGER_TYPES: Final = (
    "integer",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
)

#: In N-Triples a literal's datatype follows its closing quote, which is never escaped: a quote
#: preceded by an even number of backslashes (none, or escaped backslashes).
_DATATYPE_START: Final = re.compile(rb'(?<!\\)((?:\\\\)*)"\^\^<')


def wrap_datatypes(data: bytes) -> bytes:
    """N-Triples ``data`` with every ``"…"^^<D>`` written ``"…"^^<urn:…:datatype:D>``."""
    wrapped = b'"^^<' + WRAPPED.encode()
    if b'\\"^^<' not in data:  # no escaped quote that looks like a datatype: a plain replace is exact
        return data.replace(b'"^^<', wrapped)
    return _DATATYPE_START.sub(lambda m: m.group(1) + wrapped, data)


def wrapped_blocks(chunks: Iterator[bytes]) -> io.BufferedReader:
    """:func:`wrap_datatypes` of N-Triples given in blocks of whole lines (as :func:`blocks` gives them),
    read a block at a time: the store loads from it without a wrapped copy of the whole in memory."""
    return io.BufferedReader(_Wrapped(chunks), buffer_size=LOAD_BLOCK)


def blocks(source: bytes | BinaryIO) -> Iterator[bytes]:
    """The lines of ``source`` (bytes or a binary file) in blocks of whole lines, as the store loads them."""
    return blocks_of(source, LOAD_BLOCK) if isinstance(source, bytes) else blocks_from(source, LOAD_BLOCK)


#: About how many bytes of lines the store loads at a time (each block a segment of the incremental
#: validation's keep, :mod:`peacegraph.validation.segments`).
LOAD_BLOCK: Final = 1 << 20


class _Wrapped(io.RawIOBase):
    def __init__(self, blocks: Iterator[bytes]):
        self._blocks = blocks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        while not self._pending:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._pending = memoryview(wrap_datatypes(block))
        target = memoryview(buffer).cast("B")
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def mark_ill_typed(store: Store, program: Program) -> None:
    """Put every literal of the checked datatypes that rdflib finds ill-typed in the bookkeeping graph."""
    if not program.datatypes:
        return
    listed = ", ".join(f"<{WRAPPED}{d}>" for d in sorted(program.datatypes))
    if None in program.typed_values_of:
        where = "?s ?p ?v"
    else:
        where = "VALUES ?p { " + " ".join(f"<{p}>" for p in sorted(program.typed_values_of, key=str)) + " } ?s ?p ?v"
    query = f"SELECT DISTINCT ?v WHERE {{ {where} FILTER(isLiteral(?v) && DATATYPE(?v) IN ({listed})) }}"
    solutions = store.query(query)
    assert isinstance(solutions, QuerySolutions)
    graph = NamedNode(ILL_TYPED)
    found = [row["v"] for row in solutions] + [wrap(literal) for literal in program.literal_targets]
    with quiet_rdflib():
        ill = [literal for literal in found if not well_typed(unwrap(literal))]
    store.extend(Quad(graph, graph, literal, graph) for literal in ill if isinstance(literal, Literal))


def unwrap(node: Term | None) -> Term | None:
    """A term of the store as it is in the data (typed literals with their own datatype)."""
    if isinstance(node, Literal) and node.datatype.value.startswith(WRAPPED):
        return Literal(node.value, datatype=NamedNode(node.datatype.value[len(WRAPPED) :]))
    return node


def well_typed(literal: Term | None) -> bool:
    """Whether pySHACL takes ``literal`` to be a well-formed value of its datatype (it asks rdflib)."""
    import rdflib

    if not isinstance(literal, Literal):
        return False
    if literal.datatype.value == XSD + "boolean" and literal.value not in BOOLEANS:
        return False  # what rdflib says too, after warning about it
    converted = rdflib.Literal(literal.value, datatype=literal.datatype.value)
    if converted.ill_typed:
        return False
    return _actual_datatype(converted.value, literal.datatype.value)


BOOLEANS: Final = ("true", "false", "1", "0")


@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every literal it cannot convert: that is the answer here, not news."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def _actual_datatype(value: object, datatype: str) -> bool:
    """pySHACL's own check of the Python value rdflib converted the literal to."""
    import datetime
    import decimal

    expected: dict[str, type | tuple[type, ...]] = {
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": decimal.Decimal,
        XSD + "boolean": bool,
        XSD + "date": datetime.date,
        XSD + "time": datetime.time,
        XSD + "dateTime": datetime.datetime,
    }
    kind = expected.get(datatype)
    return kind is None or isinstance(value, kind)


def wrap(literal: Literal) -> Literal:
    """A literal as the store keeps it: typed literals under their wrapped datatype."""
    if literal.language or literal.datatype.value == XSD + "string":
        return literal
    return Literal(literal.value, datatype=NamedNode(WRAPPED + literal.datatype.value))
