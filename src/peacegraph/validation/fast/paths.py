"""SHACL property paths (https://www.w3.org/TR/shacl/#property-paths): read from the shapes graph,
written as SPARQL property paths, in reports and in messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pyoxigraph import BlankNode, NamedNode

from ...rdf.namespaces import RDF, SH
from ..report import short_name
from .shapes import ShapesGraph, refuse
from .terms import Term, display

#: The unary path nodes: the SHACL property of the blank node, and the SPARQL operator it becomes.
UNARY: Final = {"inversePath": "^", "zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}


@dataclass(frozen=True)
class PropertyPath:
    """A predicate path (``op`` empty), or an operator over ``parts``: ``^ * + ?`` (one part), ``/ |``."""

    predicate: str = ""
    op: str = ""
    parts: tuple[PropertyPath, ...] = ()

    @property
    def inverse(self) -> bool:
        """An inverse predicate path (``^schema:encoding``), whose values are never literals."""
        return self.op == "^" and not self.parts[0].op

    @property
    def simple(self) -> bool:
        """A predicate or inverse predicate path: its values, like RDF triples, come without duplicates."""
        return not self.op or self.inverse

    @property
    def single_predicate(self) -> str | None:
        """The predicate of a predicate or inverse predicate path (None for others)."""
        return self.predicate if not self.op else (self.parts[0].predicate if self.inverse else None)

    def pattern(self, subject: str, value: str) -> str:
        """A triple pattern binding ``value`` to the values of ``subject`` (with duplicates unless simple)."""
        if not self.op:
            return f"{subject} <{self.predicate}> {value} ."
        if self.inverse:
            return f"{value} <{self.parts[0].predicate}> {subject} ."
        return f"{subject} {self.written(lambda p: f'<{p}>')} {value} ."

    def written(self, name: Callable[[str], str]) -> str:
        if not self.op:
            return name(self.predicate)
        inner = [part.written(name) for part in self.parts]
        if self.op == "^":
            return "^" + inner[0]
        if self.op in "/|":
            return "(" + self.op.join(inner) + ")"
        return f"({inner[0]}){self.op}" if self.parts[0].op in ("/", "|", "^") else inner[0] + self.op

    def __str__(self) -> str:
        """As reports give it (the path of a :class:`Violation`): ``schema:name``, ``^schema:encoding``,
        ``(schema:author/<http://example.org/p>)`` (an IRI without a short name in brackets, where other
        paths surround it)."""
        return short_name(self.predicate) if not self.op else self.written(_short_or_bracketed)

    def named(self) -> str:
        """As messages give it."""
        return self.written(lambda p: display(NamedNode(p)))


def _short_or_bracketed(iri: str) -> str:
    short = short_name(iri)
    return short if short != iri else f"<{iri}>"


def read_path(shapes: ShapesGraph, node: Term, shape: Term, depth: int = 0) -> PropertyPath:
    """The path the shapes graph gives at ``node`` (the value of ``sh:path`` of ``shape``)."""
    if depth > 100:
        raise refuse(shape, "a property path nested more than 100 deep (or a cycle)")
    if isinstance(node, NamedNode):
        return PropertyPath(node.value)
    if not isinstance(node, BlankNode):
        raise refuse(shape, f"a property path that is a literal ({node})")
    props = shapes.by_subject.get(node, {})
    if RDF + "first" in props:
        return _list_path(shapes, "/", node, shape, depth)
    keys = set(props)
    for local, op in UNARY.items():
        if keys == {SH + local} and len(props[SH + local]) == 1:
            return PropertyPath(op=op, parts=(read_path(shapes, props[SH + local][0], shape, depth + 1),))
    if keys == {SH + "alternativePath"} and len(props[SH + "alternativePath"]) == 1:
        return _list_path(shapes, "|", props[SH + "alternativePath"][0], shape, depth)
    raise refuse(shape, f"a malformed property path ({node})")


def _list_path(shapes: ShapesGraph, op: str, head: Term, shape: Term, depth: int) -> PropertyPath:
    members = [read_path(shapes, m, shape, depth + 1) for m in shapes.items(head)]
    if len(members) < 2:
        raise refuse(shape, f"a {'sequence' if op == '/' else 'alternative'} path of fewer than two members")
    return PropertyPath(op=op, parts=tuple(members))
