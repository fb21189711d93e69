"""The shapes graph, indexed by subject, and what the engine knows of SHACL's vocabulary: the
parameters it compiles, the ones it ignores, and :class:`UnsupportedShapeError` for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple

from ...errors import InputError
from ...rdf.namespaces import RDF, RDFS, SH, XSD
from ...rdf.rdfio import read_triples
from ..report import short_name
from .terms import Term, sparql_term

#: Properties of a shape that are not constraints: metadata, and the ones read with their constraint.
IGNORED: Final = frozenset(
    SH + local
    for local in ("name", "description", "order", "group", "defaultValue", "message", "severity", "deactivated")
) | frozenset((RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy"))
TARGETS: Final = frozenset(SH + local for local in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"))
WITH_OTHERS: Final = frozenset(
    SH + local
    for local in (
        "path",
        "flags",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "ignoredProperties",
    )
)
SHAPE_TYPES: Final = frozenset((NamedNode(SH + "NodeShape"), NamedNode(SH + "PropertyShape")))
#: Constraints that need a path: on a node shape they are refused.
PATH_ONLY: Final = ("minCount", "maxCount", "qualifiedValueShape", "lessThan", "lessThanOrEquals", "uniqueLang")

#: The constraints on the value node alone: a shape with these only is a condition written in SPARQL.
INLINE: Final = frozenset(
    (
        "class",
        "datatype",
        "nodeKind",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "languageIn",
        "in",
        "hasValue",
        "node",
        "and",
        "or",
        "not",
        "xone",
    )
)

#: Every parameter of SHACL Core's constraint components (https://www.w3.org/TR/shacl/#core-components).
WITH_OTHERS_LOCAL: Final = frozenset(p[len(SH) :] for p in WITH_OTHERS)
PARAMETERS: Final = INLINE | frozenset(
    (
        "property",
        "minCount",
        "maxCount",
        "pattern",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "closed",
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
        return self.true(shape, "deactivated")

    def true(self, node: Term, local: str) -> bool:
        """Whether ``sh:<local>`` of ``node`` is ``true`` (not ``"1"^^xsd:boolean``: the spec names ``true`` alone)."""
        flag = self.one(node, local)
        return isinstance(flag, Literal) and flag.datatype == NamedNode(XSD + "boolean") and flag.value == "true"

    def inline(self, shape: Term) -> bool:
        """Whether ``shape`` constrains the value node alone (it can be a SPARQL condition on it)."""
        used = {p[len(SH) :] for p in self.by_subject.get(shape, {}) if p.startswith(SH)}
        return not (used & (PARAMETERS | WITH_OTHERS_LOCAL)) - INLINE

    def parents(self, shape: Term) -> list[Term]:
        """The shapes that have ``shape`` as a ``sh:property``."""
        return [node for node, props in self.by_subject.items() if shape in props.get(SH + "property", ())]

    def refuse_unknown(self, shape: Term) -> None:
        """Refuse a SHACL parameter of ``shape`` that the engine does not compile."""
        for predicate in self.by_subject.get(shape, {}):
            if predicate in IGNORED or predicate in TARGETS or predicate in WITH_OTHERS:
                continue
            if predicate.startswith(SH) and predicate[len(SH) :] in PARAMETERS:
                continue
            if predicate.startswith(SH):
                raise refuse(shape, short_name(predicate))

    def shapes_with_targets(self) -> list[Term]:
        return sorted((node for node, props in self.by_subject.items() if TARGETS & props.keys()), key=lambda n: str(n))


def refuse(shape: Term, feature: str) -> UnsupportedShapeError:
    return UnsupportedShapeError(f"the fast SHACL engine does not support {feature} (shape {shape})")


def iri(node: Term, shape: Term, what: str) -> NamedNode:
    if not isinstance(node, NamedNode):
        raise refuse(shape, f"a {what} that is not an IRI ({node})")
    return node


def constant(node: Term, shape: Term, what: str) -> str:
    """A term of the shapes as a SPARQL constant; a blank node is none (it names no node of the data)."""
    if isinstance(node, BlankNode):
        raise refuse(shape, f"a blank node as {what}")
    return sparql_term(node)


def integer(node: Term | None, shape: Term, what: str) -> int | None:
    if node is None:
        return None
    if not isinstance(node, Literal) or node.datatype != NamedNode(XSD + "integer"):
        raise refuse(shape, f"{what} {node} that is not an xsd:integer")
    return int(node.value)


def read_shapes(shapes: Path | list[Path]) -> list[Triple]:
    """The shapes of a folder's ``*.ttl`` files, or of the given files in their order."""
    files = sorted(Path(shapes).glob("*.ttl")) if isinstance(shapes, Path) else shapes
    return [t for path in files for t in read_triples(path, RdfFormat.TURTLE)]
