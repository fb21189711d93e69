"""A graph held as its canonical N-Triples: each triple once, one a line, lines sorted bytewise.

These are the bytes of the release's N-Triples dump, and what a build keeps of its triples between
the stages instead of a list of :class:`~pyoxigraph.Triple` objects (a third of the memory, and
nothing for the cycle collector to walk). A stage that needs triples reads them back, in
canonical order (:func:`.canonical.sort_key`), as often as it needs them: Oxigraph parses a
million lines in about a second.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse, serialize

from . import serialize as canonical


@dataclass(frozen=True, eq=True)
class Lines:
    """Canonical N-Triples (see the module's description); iterating gives the triples in canonical order."""

    data: bytes
    count: int
    #: Whether the lines are in canonical order too (:func:`.serialize.canonical`'s ``as_lines``): they
    #: are unless one predicate extends another with a character below ``>``.
    as_lines: bool = True

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        if self.as_lines:
            return self.in_line_order()
        return iter(sorted(self.in_line_order(), key=canonical.sort_key))

    def in_line_order(self) -> Iterator[Triple]:
        """The triples in the order of the lines (bytewise, as the N-Triples dump has them)."""
        return (quad.triple for quad in parse(self.data, RdfFormat.N_TRIPLES, lenient=True))


def of(triples: Iterable[Triple]) -> Lines:
    """The canonical N-Triples of ``triples`` (no blank nodes: a :class:`ValueError` names one)."""
    unique: set[bytes] = set()
    predicates: set[NamedNode] = set()
    iterator = iter(triples)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        predicates.update(triple.predicate for triple in chunk)
        written = serialize(chunk, format=RdfFormat.N_TRIPLES) or b""
        if b"_:" in written:  # maybe a blank node, or text that looks like one
            _refuse_blank_nodes(chunk)
        unique.update(written.split(b"\n"))
    unique.discard(b"")
    ordered = sorted(unique)  # bytewise: the order of the triples' N-Triples forms (see canonical.Canonical)
    del unique
    data = b"\n".join(ordered) + b"\n" if ordered else b""
    return Lines(data, len(ordered), canonical.ntriples_order_is_sort_key({p.value for p in predicates}))


#: Triples written to N-Triples at once (in Rust) before their lines are sorted (in Python).
CHUNK = 65536


def _refuse_blank_nodes(triples: list[Triple]) -> None:
    for triple in triples:
        if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
            raise ValueError(f"blank node in {triple}")
