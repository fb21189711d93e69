"""Which triples a shape's results for a focus node can depend on: read from the shapes, before any data.

SHACL Core validates a target focus node (a *root*) by following property paths from it, and by
looking at the nodes it reaches: their ``rdf:type`` (``sh:class``, class targets), their predicates
(``sh:closed``), the values of a predicate (the property pairs, ``sh:targetSubjectsOf``), or the
nodes themselves (datatype, pattern, …, which need no triple). Written as the sequences of steps
(predicate, forward or inverse) the shapes follow from a root (*prefixes*), and what each reads at
the node a prefix reaches, this is the root's *footprint*: a triple outside it cannot change the
root's results. Every sequence is bounded: a path with ``sh:zeroOrMorePath`` or ``sh:oneOrMorePath``
has none, and :class:`UnboundedError` says so (the validation is then done in full). Class
membership through ``rdfs:subClassOf`` is not followed here: the incremental validation keeps every
``rdfs:subClassOf`` triple of the data in its store, and validates in full when one of them changes.

Shapes used as conditions (``sh:node``, ``sh:and``, ``sh:or``, ``sh:not``, ``sh:xone``,
``sh:qualifiedValueShape`` and its siblings when disjoint) are followed from the value nodes they
apply to; deactivated shapes too (a footprint may only be too large, never too small).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from pyoxigraph import NamedNode

from ..errors import PeacegraphError
from ..rdf.namespaces import RDF
from .fast.compiler import CLASSES
from .fast.paths import PropertyPath, read_path
from .fast.shapes import SHAPE_TYPES, ShapesGraph
from .fast.terms import Term

#: A predicate IRI (as lines write it, ``<…>``), and whether the step goes from object to subject.
Step = tuple[bytes, bool]
Prefix = tuple[Step, ...]
#: A predicate read at a node, forward or inverse; ``None`` forward: every predicate (``sh:closed``).
Read = tuple[bytes | None, bool]

TYPE: Final = f"<{RDF}type>".encode()
#: Beyond these, the shapes are not worth analysing (and a cycle of shapes would be refused anyway).
MAX_PREFIXES: Final = 5_000
MAX_DEPTH: Final = 64


class UnboundedError(PeacegraphError):
    """A shape may read triples at any distance from its focus nodes (or too many kinds of them)."""


@dataclass
class Targets:
    """How a shape finds its focus nodes: an ``rdf:type`` among ``classes``, a predicate among
    ``subjects_of``; ``anywhere`` for ``sh:targetNode`` and ``sh:targetObjectsOf``, which are not
    looked up (every root is taken to be one)."""

    classes: set[bytes] = field(default_factory=set)
    subjects_of: set[bytes] = field(default_factory=set)
    anywhere: bool = False

    def chooses(self, lines: list[tuple[bytes, bytes, bytes]], supers: Mapping[bytes, set[bytes]]) -> bool:
        """Whether a node with these lines (its own, split) may be a focus node of the shape, its classes
        having the superclasses ``supers`` (through the data's ``rdfs:subClassOf`` triples)."""
        if self.anywhere:
            return True
        for _s, p, o in lines:
            if p in self.subjects_of or (p == TYPE and (o in self.classes or supers.get(o, set()) & self.classes)):
                return True
        return False


@dataclass
class Footprint:
    """For each shape with targets, how it finds them and the prefixes it follows from them; and what
    is read at the end of every prefix, over all the shapes."""

    shapes: list[tuple[Targets, set[Prefix]]] = field(default_factory=list)
    reads: dict[Prefix, set[Read]] = field(default_factory=dict)

    def read(self, prefix: Prefix, what: Read) -> None:
        self.reads.setdefault(prefix, set()).add(what)


def superclasses(lines: Iterable[tuple[bytes, bytes, bytes]]) -> dict[bytes, set[bytes]]:
    """For each class, every class it is a subclass of, given ``rdfs:subClassOf`` triples (split lines)."""
    direct: dict[bytes, set[bytes]] = {}
    for s, _p, o in lines:
        direct.setdefault(s, set()).add(o)
    found: dict[bytes, set[bytes]] = {}
    for cls in direct:
        reached, todo = set(), [cls]
        while todo:
            for parent in direct.get(todo.pop(), ()):
                if parent not in reached:
                    reached.add(parent)
                    todo.append(parent)
        found[cls] = reached
    return found


def footprint(shapes: ShapesGraph) -> Footprint:
    """The footprint of every shape with targets (:class:`UnboundedError` if one has none).

    A shape's prefixes start with an inverse step for each ``sh:targetObjectsOf``: the triple that
    makes a node its focus node is part of the node's footprint."""
    found = Footprint()
    for shape in _targeted(shapes):
        targets = _targets(shapes, shape, found)
        prefixes: set[Prefix] = {((_iri(p), True),) for p in shapes.values(shape, "targetObjectsOf")}
        _visit(shapes, shape, (), found, prefixes, 0)
        found.shapes.append((targets, prefixes))
    return found


def _targeted(shapes: ShapesGraph) -> list[Term]:
    """The shapes with targets, explicit or implicit (a shape that is a class), as the compiler finds them."""
    implicit = [
        node
        for node, props in shapes.by_subject.items()
        if set(CLASSES) & set(props.get(RDF + "type", ()))
        and (SHAPE_TYPES & set(props.get(RDF + "type", ())) or any(p.startswith(_SH) for p in props))
    ]
    return [*shapes.shapes_with_targets(), *implicit]


_SH: Final = "http://www.w3.org/ns/shacl#"


def _iri(node: Term) -> bytes:
    return f"<{node.value}>".encode()


def _targets(shapes: ShapesGraph, shape: Term, found: Footprint) -> Targets:
    targets = Targets()
    props = shapes.by_subject.get(shape, {})
    classes = list(shapes.values(shape, "targetClass"))
    if set(CLASSES) & set(props.get(RDF + "type", ())):
        classes.append(shape)
    for cls in classes:
        targets.classes.add(_iri(cls))
        found.read((), (TYPE, False))
    for predicate in shapes.values(shape, "targetSubjectsOf"):
        targets.subjects_of.add(_iri(predicate))
        found.read((), (_iri(predicate), False))
    for predicate in shapes.values(shape, "targetObjectsOf"):
        targets.anywhere = True
        found.read((), (_iri(predicate), True))
    if shapes.values(shape, "targetNode"):
        targets.anywhere = True
    return targets


def _visit(shapes: ShapesGraph, shape: Term, prefix: Prefix, found: Footprint, into: set[Prefix], depth: int) -> None:
    """What ``shape`` reads applied at the node ``prefix`` reaches (its value nodes, for a property shape)."""
    if depth > MAX_DEPTH or len(into) > MAX_PREFIXES:
        raise UnboundedError(f"shapes nested more than {MAX_DEPTH} deep, or reading {MAX_PREFIXES} kinds of paths")
    into.add(prefix)
    for local in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
        for other in shapes.values(shape, local):
            found.read(prefix, (_iri(other), False))
    path = shapes.one(shape, "path")
    sequences = list(_sequences(read_path(shapes, path, shape))) if path is not None else [()]
    for sequence in sequences:
        for i, step in enumerate(sequence):
            found.read(prefix + sequence[:i], step)
            into.add(prefix + sequence[: i + 1])
        _at_values(shapes, shape, prefix + sequence, found, into, depth)


def _at_values(shapes: ShapesGraph, shape: Term, at: Prefix, found: Footprint, into: set[Prefix], depth: int) -> None:
    """What ``shape`` reads at each of its value nodes (reached by ``at``), and the shapes applied to them."""
    if shapes.values(shape, "class"):
        found.read(at, (TYPE, False))
    if shapes.true(shape, "closed"):
        found.read(at, (None, False))
    for applied in _applied(shapes, shape):
        _visit(shapes, applied, at, found, into, depth + 1)


def _applied(shapes: ShapesGraph, shape: Term) -> Iterator[Term]:
    """The shapes ``shape`` applies to its value nodes."""
    for local in ("property", "node", "not", "qualifiedValueShape"):
        yield from shapes.values(shape, local)
    for local in ("and", "or", "xone"):
        for head in shapes.values(shape, local):
            yield from shapes.items(head)
    if shapes.true(shape, "qualifiedValueShapesDisjoint"):
        for parent in shapes.parents(shape):
            for sibling in shapes.values(parent, "property"):
                yield from shapes.values(sibling, "qualifiedValueShape")


def _sequences(path: PropertyPath) -> Iterator[Prefix]:
    """The sequences of steps ``path`` may take (:class:`UnboundedError` for ``*`` and ``+``)."""
    if not path.op:
        yield ((_iri(NamedNode(path.predicate)), False),)
    elif path.op == "^":
        for inner in _sequences(path.parts[0]):
            yield tuple((predicate, not inverse) for predicate, inverse in reversed(inner))
    elif path.op == "|":
        for part in path.parts:
            yield from _sequences(part)
    elif path.op == "/":
        for parts in itertools.product(*(list(_sequences(part)) for part in path.parts)):
            yield tuple(step for part in parts for step in part)
    elif path.op == "?":
        yield ()
        yield from _sequences(path.parts[0])
    else:
        raise UnboundedError(f"a property path of any length ({path})")
