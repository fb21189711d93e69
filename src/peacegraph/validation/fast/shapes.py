"""The shapes graph, indexed by subject, and what the engine knows of SHACL's vocabulary: the
parameters it compiles, the ones it ignores, and :class:`UnsupportedShapeError` for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from ...errors import InputError
from ...rdf.namespaces import RDF, RDFS, SH, XSD
from ...rdf.rdfio import read_triples
from ..reference import short_name
from .terms import Term

#: Properties of a shape that are not constraints: metadata, and the ones read with their constraint.
IGNORED: Final = frozenset(
    SH + local
    for local in ("name", "description", "order", "group", "defaultValue", "message", "severity", "deactivated")
) | frozenset((RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy"))
TARGETS: Final = frozenset(SH + local for local in ("targetClass", "targetSubjectsOf", "targetObjectsOf"))
WITH_OTHERS: Final = frozenset(
    SH + local for local in ("path", "flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint")
)
SHAPE_TYPES: Final = frozenset((NamedNode(SH + "NodeShape"), NamedNode(SH + "PropertyShape")))
#: Constraints that need a path: on a node shape they are refused.
PATH_ONLY: Final = ("minCount", "maxCount", "qualifiedValueShape", "lessThan", "lessThanOrEquals")

#: The constraints a shape used as a condition (by sh:node, sh:or, sh:qualifiedValueShape) may have.
CONDITIONS: Final = frozenset(("class", "datatype", "nodeKind", "minLength", "maxLength", "node", "or", "in"))

PARAMETERS: Final = frozenset(
    (
        "property",
        "minCount",
        "maxCount",
        "datatype",
        "class",
        "nodeKind",
        "pattern",
        "minLength",
        "maxLength",
        "node",
        "or",
        "in",
        "hasValue",
        "lessThan",
        "lessThanOrEquals",
        "qualifiedValueShape",
    )
)


class UnsupportedShapeError(InputError):
    """The shapes use a SHACL feature this engine does not compile (pySHACL must validate them)."""


class ShapesGraph:
    """The shapes graph, indexed by subject, with RDF lists unrolled."""

    def __init__(self, triples: Iterable[Triple]):
        self.by_subject: dict[Term, dict[str, list[Term]]] = {}
        for t in triples:
            if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
                raise refuse(t.predicate, "RDF 1.2 triple terms in the shapes")
            self.by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def values(self, node: Term, local: str) -> list[Term]:
        return self.by_subject.get(node, {}).get(SH + local, [])

    def one(self, node: Term, local: str) -> Term | None:
        found = self.values(node, local)
        if len(found) > 1:
            raise refuse(node, f"sh:{local} is given {len(found)} times")
        return found[0] if found else None

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list starting at ``head``."""
        members: list[Term] = []
        while head != NamedNode(RDF + "nil"):
            props = self.by_subject.get(head, {})
            first, rest = props.get(RDF + "first", []), props.get(RDF + "rest", [])
            if len(first) != 1 or len(rest) != 1 or len(members) > 10_000:
                raise refuse(head, "a malformed RDF list")
            members.append(first[0])
            head = rest[0]
        return members

    def deactivated(self, shape: Term) -> bool:
        flag = self.one(shape, "deactivated")
        return isinstance(flag, Literal) and flag.value == "true"

    def refuse_unknown(self, shape: Term) -> None:
        """Refuse a SHACL parameter of ``shape`` that the engine does not compile."""
        for predicate in self.by_subject.get(shape, {}):
            if predicate in IGNORED or predicate in TARGETS or predicate in WITH_OTHERS:
                continue
            if predicate.startswith(SH) and predicate[len(SH) :] in PARAMETERS:
                continue
            if predicate.startswith(SH):
                raise refuse(shape, short_name(predicate))
        disjoint = self.one(shape, "qualifiedValueShapesDisjoint")
        if isinstance(disjoint, Literal) and disjoint.value == "true":
            raise refuse(shape, "sh:qualifiedValueShapesDisjoint true")
        if self.values(shape, "flags"):
            raise refuse(shape, "sh:flags")

    def shapes_with_targets(self) -> list[Term]:
        return sorted((node for node, props in self.by_subject.items() if TARGETS & props.keys()), key=lambda n: str(n))


def refuse(shape: Term, feature: str) -> UnsupportedShapeError:
    return UnsupportedShapeError(f"the fast SHACL engine does not support {feature} (shape {shape})")


def iri(node: Term, shape: Term, what: str) -> NamedNode:
    if not isinstance(node, NamedNode):
        raise refuse(shape, f"a {what} that is not an IRI ({node})")
    return node


def integer(node: Term | None, shape: Term, what: str) -> int | None:
    if node is None:
        return None
    if not isinstance(node, Literal) or node.datatype != NamedNode(XSD + "integer"):
        raise refuse(shape, f"{what} {node} that is not an xsd:integer")
    return int(node.value)


def read_shapes(shapes_dir: Path) -> list[Triple]:
    return [t for path in sorted(Path(shapes_dir).glob("*.ttl")) for t in read_triples(path, RdfFormat.TURTLE)]
