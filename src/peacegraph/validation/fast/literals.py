"""Typed literals: wrapped in the store so that Oxigraph keeps them as written, and judged as
pySHACL judges them, by what rdflib makes of them.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import re
from collections.abc import Callable, Iterator
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
    """Whether pySHACL takes ``literal`` to be a well-formed value of its datatype (it asks rdflib).

    The commonest forms (a date ``YYYY-MM-DD``, digits, a year, a decimal) are judged here as rdflib judges them
    (a test compares the two on such forms): a build whose dates and numbers are all written so does not
    import rdflib, nor make an rdflib literal of each (a fifth of a second at a million triples)."""
    if not isinstance(literal, Literal):
        return False
    quick = _QUICK.get(literal.datatype.value)
    verdict = quick(literal.value) if quick is not None else None
    return rdflib_verdict(literal) if verdict is None else verdict


def rdflib_verdict(literal: Literal) -> bool:
    """:func:`well_typed` as rdflib gives it (and pySHACL reads it)."""
    import rdflib

    if literal.datatype.value == XSD + "boolean" and literal.value not in BOOLEANS:
        return False  # what rdflib says too, after warning about it
    converted = rdflib.Literal(literal.value, datatype=literal.datatype.value)
    if converted.ill_typed:
        return False
    return _actual_datatype(converted.value, literal.datatype.value)


BOOLEANS: Final = ("true", "false", "1", "0")

#: Digits :func:`_digits` judges: rdflib turns more into a Python int, which Python refuses past 4,300 of them.
_DIGITS: Final = re.compile("[0-9]{1,100}")
_YEAR: Final = re.compile("[0-9]{4}")
_YEAR_MONTH: Final = re.compile("[0-9]{4}-(?:0[1-9]|1[0-2])")
_DATE: Final = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL: Final = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?")


def _date(text: str) -> bool | None:
    """A date written ``YYYY-MM-DD`` is well typed if it is a day of the calendar (from year 1); else None."""
    if not _DATE.fullmatch(text):
        return None
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _digits(positive: bool) -> Callable[[str], bool | None]:
    """An integer written in digits alone is well typed (if ``positive``, unless all its digits are 0); else None."""
    return lambda text: (not positive or bool(text.strip("0"))) if _DIGITS.fullmatch(text) else None


def _written(pattern: re.Pattern[str]) -> Callable[[str], bool | None]:
    """A value written as ``pattern`` is well typed; else None."""
    return lambda text: True if pattern.fullmatch(text) else None


#: The verdicts taken without rdflib: True or False where the form is one of the commonest, else None.
_QUICK: Final[dict[str, Callable[[str], bool | None]]] = {
    XSD + "date": _date,
    XSD + "integer": _digits(positive=False),
    XSD + "nonNegativeInteger": _digits(positive=False),
    XSD + "positiveInteger": _digits(positive=True),
    XSD + "gYear": _written(_YEAR),
    XSD + "gYearMonth": _written(_YEAR_MONTH),
    XSD + "decimal": _written(_DECIMAL),
}


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
